"""One history per unit: what happened to a serial number, and to the serials before it.

A customer's unit keeps one history across claims. Its serial number can
change: an exchange ships a replacement with its own serial, which continues
the history of the unit it replaced (the serial chain). The 三包 rules read
that history, not one claim's:

* **Repairs count across claims.** The warranty is extended by the days the
  unit spent in repair, and two failed repairs open an exchange, whichever
  claims recorded them. A repair on another claim counts for a decision when it
  was over by the day the deciding claim was reported (it is part of the
  unit's past then); the policy itself then keeps only the repairs of the
  current warranty (``domain.policy.periods``).
* **An exchange restarts the warranty.** A unit that is a replacement shipped
  on an earlier claim has its warranty from that day (the policy's
  ``exchanged_on``); repairs of the serials before it belonged to the old
  warranty and do not extend the new one.
* **A registration stands in for a missing proof of purchase.** A claim that
  comes without proof of purchase (``proof = none``) for a unit registered at
  sale time of the same model is decided on the registered purchase date, with
  the registration as its warranty card (三包凭证).
* **An extended warranty plan keeps the unit in warranty.** A plan sold
  against the registered unit (``domain.units.plans``) that covers the
  diagnosed cause on the report day runs the warranty until the plan's end;
  the decision names the plan (``CoverageDecision.plan_id``).

This module is pure: the reader (``domain.units.reader``) loads the recorded
claims and registrations it works on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from domain.errors import UnknownCategoryError
from domain.intake import intake_policy
from domain.policy.book import PolicyBook
from domain.policy.document import Terms
from domain.policy.periods import add_months
from domain.units.plans import covering_plan
from domain.units.registration import Registration
from domain.values import CoverageDecision, PolicyQuery, RepairRecord, Value
from domain.vocabulary import ProofOfPurchase, RepairOutcome

MAX_CHAIN = 100
"""A unit's chain longer than this is not followed further (no real unit is exchanged so often)."""


@dataclass(frozen=True)
class Exchange(Value):
    """A replacement shipped on a claim: the serial the customer held and the one sent."""

    claim_id: UUID
    claim_number: str
    item_no: int
    from_serial: str
    to_serial: str
    batch_no: str
    exchanged_on: date


@dataclass(frozen=True)
class UnitClaim(Value):
    """One claim item about a serial of the unit's chain, as recorded."""

    claim_id: UUID
    claim_number: str
    item_no: int
    serial_no: str
    model: str
    category: str
    reported_on: date
    purchased_on: date
    status: str
    stage: str
    cause: str | None
    remedy: str | None
    rule_id: str | None
    warranty_ends_on: date | None
    repairs: tuple[RepairRecord, ...]


@dataclass(frozen=True)
class UnitWarranty:
    """The unit's warranty as the shipped policy counts it, and how it was worked out."""

    category: str
    policy_version: str
    months: int
    starts_on: date
    start_basis: str  # "purchase", "registration" or "exchange"
    days_in_repair: int
    ends_on: date
    failed_repairs: int
    failed_repairs_for_exchange: int
    rule: str


@dataclass(frozen=True)
class UnitHistory:
    """Everything recorded about a serial number and the serials it replaced."""

    serial_no: str
    chain: tuple[str, ...]  # the serials the customer held, oldest first, ending with serial_no
    claims: tuple[UnitClaim, ...]  # in the order they were reported
    exchanges: tuple[Exchange, ...]  # every exchange of the chain's serials, oldest first
    registration: Registration | None

    @property
    def exchanged_on(self) -> date | None:
        """The day the unit itself was shipped as a replacement, if it was one."""
        return max(
            (e.exchanged_on for e in self.exchanges if e.to_serial == self.serial_no), default=None
        )

    @property
    def repairs(self) -> tuple[RepairRecord, ...]:
        return tuple(sorted((r for c in self.claims for r in c.repairs), key=_repair_order))

    def purchase_registration(self, model: str) -> Registration | None:
        """The registration of the unit's first serial (the one sold), if it is of this model."""
        registration = self.registration
        if registration is None or registration.model != model:
            return None
        return registration

    def warranty(self, terms: Terms, category: str, policy_version: str) -> UnitWarranty:
        """The warranty of the unit today: from the purchase (or its exchange), plus repair days."""
        exchanged_on = self.exchanged_on
        registration = self.registration
        if exchanged_on is not None:
            start, basis = exchanged_on, "exchange"
        elif registration is not None:
            start, basis = registration.purchased_on, "registration"
        else:
            start, basis = min(c.purchased_on for c in self.claims), "purchase"
        in_warranty = [r for r in self.repairs if r.started_on >= start]
        days = sum(r.days_in_repair for r in in_warranty)
        failed = sum(1 for r in in_warranty if r.outcome is RepairOutcome.STILL_FAILING)
        ends_on = add_months(start, terms.warranty_months) - _ONE_DAY + days * _ONE_DAY
        rule = (
            f"{terms.warranty_months} months from the {basis} on {start}"
            f" + {days} day(s) in repair during this warranty = until {ends_on}"
            f" (policy {policy_version}, category {category}); {failed} failed repair(s),"
            f" {terms.failed_repairs_for_exchange} open an exchange"
        )
        return UnitWarranty(
            category=category,
            policy_version=policy_version,
            months=terms.warranty_months,
            starts_on=start,
            start_basis=basis,
            days_in_repair=days,
            ends_on=ends_on,
            failed_repairs=failed,
            failed_repairs_for_exchange=terms.failed_repairs_for_exchange,
            rule=rule,
        )


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def _repair_order(repair: RepairRecord) -> tuple[date, date]:
    return repair.started_on, repair.finished_on


@dataclass(frozen=True)
class UnitFacts:
    """What the unit's history adds to one claim item's policy query, and why."""

    query: PolicyQuery
    notes: tuple[str, ...]

    def explain(self, decision: CoverageDecision) -> CoverageDecision:
        """The decision with the unit's history named in its explanation."""
        if not self.notes:
            return decision
        return replace(decision, explanation=" ".join((decision.explanation, *self.notes)))


def with_unit_history(
    query: PolicyQuery, claim_id: UUID, model: str, history: UnitHistory
) -> UnitFacts:
    """The claim item's query with the unit's recorded history across claims.

    ``query`` holds this claim's own facts; the other claims' repairs that were
    over by the report day are added, the warranty restarts at the exchange that
    shipped this unit, and a registration stands in for a missing proof.
    """
    reported_on = query.reported_on
    others = [c for c in history.claims if c.claim_id != claim_id]
    earlier = [r for c in others for r in c.repairs if r.finished_on <= reported_on]
    used = sorted(
        {c.claim_number for c in others for r in c.repairs if r.finished_on <= reported_on}
    )
    notes: list[str] = []
    purchased_on, proof, delivered_on = query.purchased_on, query.proof, query.delivered_on
    registration = history.purchase_registration(model)
    if proof is ProofOfPurchase.NONE and registration is not None:
        purchased_on, proof = registration.purchased_on, ProofOfPurchase.WARRANTY_CARD
        if delivered_on is not None and delivered_on < purchased_on:
            delivered_on = None
        notes.append(
            f"No proof of purchase came with the claim; the unit's warranty registration "
            f"({registration.channel}, registered {registration.registered_at.date()}) "
            f"gives the purchase date {purchased_on}."
        )
    shipped = [
        e
        for e in history.exchanges
        if e.to_serial == history.serial_no
        and e.claim_id != claim_id
        and purchased_on <= e.exchanged_on <= reported_on
    ]
    exchanged_on = query.exchanged_on
    if shipped:
        latest = max(shipped, key=lambda e: e.exchanged_on)
        if exchanged_on is None or latest.exchanged_on > exchanged_on:
            exchanged_on = latest.exchanged_on
            notes.append(
                f"Unit history: {history.serial_no} is the replacement for {latest.from_serial} "
                f"shipped on {latest.exchanged_on} (claim {latest.claim_number}); "
                "its warranty runs from that day."
            )
    if earlier:
        # The policy extends the current warranty only (domain.policy.periods).
        current = [r for r in earlier if r.started_on >= (exchanged_on or purchased_on)]
        days = sum(r.days_in_repair for r in current)
        failed = sum(1 for r in current if r.outcome is RepairOutcome.STILL_FAILING)
        notes.append(
            f"Unit history: {len(earlier)} repair(s) on earlier claim(s) {', '.join(used)}; "
            f"{len(current)} in this warranty ({days} day(s) in repair, {failed} failed) "
            "extend it and count toward an exchange."
        )
    plan = covering_plan(registration.plans, query) if registration is not None else None
    if plan is not None:
        notes.append(
            f"Extended warranty plan {plan.plan_id} ({plan.name}, sold on {plan.sold_on}) "
            f"covers {query.cause.value} from {plan.starts_on} until {plan.ends_on}."
        )
    if not notes:
        return UnitFacts(query, ())
    repairs = tuple(sorted((*earlier, *query.repairs), key=_repair_order))
    unit_query = replace(
        query,
        purchased_on=purchased_on,
        delivered_on=delivered_on,
        proof=proof,
        repairs=repairs,
        exchanged_on=exchanged_on,
        plan_id=plan.plan_id if plan is not None else "",
        plan_ends_on=plan.ends_on if plan is not None else None,
    )
    return UnitFacts(unit_query, tuple(notes))


def unit_warranty(history: UnitHistory, policies: PolicyBook, today: date) -> UnitWarranty | None:
    """The unit's warranty under the policy in force today; None while its category is unknown.

    The category is the one its latest claim names, else the registration's.
    """
    registration = history.registration
    if history.claims:
        category = history.claims[-1].category
    elif registration is not None:
        category = registration.category
    else:
        return None
    policy = intake_policy(policies, today)
    try:
        terms = policy.terms_for(category)
    except UnknownCategoryError:
        return None
    return history.warranty(terms, category, policy.version)
