"""The refund rule: a refund follows the 三包 decision and goes back the way it was paid.

- The amount is the price paid × the quantity refunded − the decision's deductions
  for those units (``CoverageDecision.deduction`` is per unit, e.g. the
  depreciation of one used unit, so n units deduct n × it). The quantity refunded
  is the units the remedy covers (``ItemState.units_covered``: the diagnosis may
  return 2 of a line's 4 units). Left out, the ledger computes it.
- The deductions recorded are the decision's, with its basis as the reason;
  deductions given must add up to the decision's.
- The route is the purchase's payment route (原路返回, reference 004; the mapping
  is ``domain.vocabulary.PAYMENT_ROUTES``). Left out, the ledger takes it from the
  purchase; when the purchase names no payment method, the route must be named
  and is taken as named.

A different amount, deductions or route needs a supervisor's ``override_reason``,
which the ``Refunded`` event records. An override where the refund follows the
decision anyway is refused, so a recorded override always overrode something.
No refund, overridden or not, plus its deductions exceeds the price paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import (
    InvalidInputError,
    LifecycleError,
    OverrideNotPermittedError,
    RefundOffDecisionError,
)
from domain.item_track import ItemState
from domain.policy.money import to_cents
from domain.values import Actor, Deduction, Purchase
from domain.vocabulary import Role, refund_route_of

AMOUNT_RULE = "price paid × quantity − the decision's deductions per unit × quantity"
AMOUNT_RULE_ZH = "实付单价 × 数量 − 三包决定的每件扣减 × 数量"
DEDUCTIONS_RULE = "the deductions are the decision's"
DEDUCTIONS_RULE_ZH = "扣减以三包决定为准"
ROUTE_RULE = "a refund goes back the way it was paid (原路返回)"
ROUTE_RULE_ZH = "退款原路返回"


@dataclass(frozen=True)
class RefundTerms:
    """What the decision and the purchase fix for one item's refund."""

    amount: Decimal
    deductions: tuple[Deduction, ...]
    route: str


@dataclass(frozen=True)
class Refund:
    """The refund the ledger records: amount, deductions, route and any override."""

    amount: Decimal
    deductions: tuple[Deduction, ...]
    route: str
    override_reason: str = ""


def refund_terms(state: ItemState, purchase: Purchase) -> RefundTerms:
    """The amount, deductions and route the decision and the purchase fix for the item."""
    units = state.units_covered
    paid = state.item.price * units
    per_unit = state.decision.deduction if state.decision is not None else Decimal("0")
    deducted = min(per_unit * units, paid)
    deductions: tuple[Deduction, ...] = ()
    if deducted > 0 and state.decision is not None:
        reason = state.decision.deduction_basis or f"decision {state.decision.rule_id}"
        if units > 1:
            reason = f"{reason} × {units} units"
        deductions = (Deduction(reason, deducted),)
    return RefundTerms(
        to_cents(paid - deducted), deductions, refund_route_of(purchase.payment_method)
    )


def settle_refund(
    state: ItemState,
    purchase: Purchase,
    actor: Actor,
    amount: Decimal | None,
    deductions: tuple[Deduction, ...] | None,
    route: str,
    override_reason: str = "",
) -> Refund:
    """The refund to record, or the refusal: what was not given comes from the terms;
    what differs from them needs a supervisor's override naming a reason."""
    terms = refund_terms(state, purchase)
    if amount is not None and amount <= 0:
        raise InvalidInputError("amount", "must be positive")
    given_route = refund_route_of(route)
    if route and not given_route:
        raise InvalidInputError("route", "name the original payment route")
    if not given_route and not terms.route:
        raise InvalidInputError(
            "route", "the purchase names no payment method: name the original payment route"
        )
    refund = Refund(
        amount=terms.amount if amount is None else amount,
        deductions=terms.deductions if deductions is None else deductions,
        route=given_route or terms.route,
        override_reason=override_reason,
    )
    if refund.amount <= 0:
        raise InvalidInputError("amount", f"nothing to refund: {AMOUNT_RULE} is 0")
    departures = _departures(refund, terms)
    _check_override(actor, override_reason, departures)
    _check_within_price(state, refund)
    return refund


def _departures(refund: Refund, terms: RefundTerms) -> list[RefundOffDecisionError]:
    """Each way the refund differs from the terms, as the refusal it would be."""
    found = []
    if refund.amount != terms.amount:
        found.append(
            RefundOffDecisionError(
                "amount", str(refund.amount), str(terms.amount), AMOUNT_RULE, AMOUNT_RULE_ZH
            )
        )
    given = _total(refund.deductions)
    expected = _total(terms.deductions)
    if given != expected:
        found.append(
            RefundOffDecisionError(
                "deductions", str(given), str(expected), DEDUCTIONS_RULE, DEDUCTIONS_RULE_ZH
            )
        )
    if terms.route and refund.route != terms.route:
        found.append(
            RefundOffDecisionError("route", refund.route, terms.route, ROUTE_RULE, ROUTE_RULE_ZH)
        )
    return found


def _check_override(
    actor: Actor, override_reason: str, departures: list[RefundOffDecisionError]
) -> None:
    if not override_reason:
        if departures:
            raise departures[0]
        return
    if not override_reason.strip():
        raise InvalidInputError("override_reason", "must not be blank")
    if actor.role is not Role.SUPERVISOR:
        raise OverrideNotPermittedError(actor.role.value, "a refund's decision", "变更退款决定")
    if not departures:
        raise InvalidInputError(
            "override_reason", "nothing to override: the refund follows the decision"
        )


def _check_within_price(state: ItemState, refund: Refund) -> None:
    """No refund plus its deductions exceeds what was paid for the units refunded."""
    paid = state.item.price * state.units_covered
    deducted = _total(refund.deductions)
    if refund.amount + deducted > paid:
        raise LifecycleError(
            "refund",
            f"item {state.no} {state.stage.value}",
            f"amount {refund.amount} plus deductions {deducted} exceed the price {paid}",
        )


def _total(deductions: tuple[Deduction, ...]) -> Decimal:
    return sum((d.amount for d in deductions), Decimal("0"))
