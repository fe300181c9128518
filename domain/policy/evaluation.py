"""Deciding a query under a policy document: the first matching rule wins.

``evaluate`` is pure: the same document and query always give the same
decision, which is why a recorded decision (rule id + policy version) can be
reproduced and explained later.
"""

from __future__ import annotations

from decimal import Decimal

from domain.errors import InvalidInputError, RemedyNotAllowedError
from domain.policy.document import PolicyDocument, Rule, Terms
from domain.policy.facts import Facts, facts_of
from domain.policy.money import depreciation, to_cents
from domain.policy.periods import days_used
from domain.values import CoverageDecision, PolicyQuery
from domain.vocabulary import Remedy


def evaluate(policy: PolicyDocument, query: PolicyQuery) -> CoverageDecision:
    """The coverage the policy grants for the query, naming the rule that fired.

    Raises UnknownCategoryError for a category the document does not know and
    InvalidInputError for dates out of order (reported before received).
    """
    terms = policy.terms_for(query.category)
    facts = facts_of(query, terms)
    for rule in policy.rules:
        if facts.satisfy(rule.conditions, query):
            return _decide(policy, rule, terms, facts, query)
    # Unreachable for a loaded document: the loader insists on a catch-all per cause.
    raise InvalidInputError("cause", f"policy {policy.version} has no rule for {query.cause.value}")


def check_remedy(decision: CoverageDecision, remedy: Remedy) -> None:
    """Raises RemedyNotAllowedError unless the decision grants the chosen remedy."""
    if remedy not in decision.remedies:
        raise RemedyNotAllowedError(
            remedy.value, [r.value for r in decision.remedies], decision.rule_id
        )


def _decide(
    policy: PolicyDocument, rule: Rule, terms: Terms, facts: Facts, query: PolicyQuery
) -> CoverageDecision:
    outcome = rule.outcome
    lines = [
        rule.explanation,
        f"Reported on day {facts.days_since_receipt} after receipt; "
        f"warranty covers until {facts.warranty_ends_on}.",
    ]
    if facts.plan_id:
        lines.append(
            f"The extended warranty plan {facts.plan_id} keeps the item in warranty "
            f"until {facts.warranty_ends_on}."
        )
    deduction, basis = Decimal("0"), ""
    if outcome.depreciation:
        deduction, basis = depreciation(
            query.price, terms.daily_depreciation_rate, days_used(query)
        )
        lines.append(
            f"A return is refunded less depreciation (折旧) of {deduction} per unit: {basis}."
        )
    discount = terms.negotiated_discount if outcome.negotiated_discount else None
    if discount is not None:
        lines.append(
            f"An exchange costs {discount:.0%} of the price: "
            f"{to_cents(query.price * discount)} per unit."
        )
    fee = policy.repair_fees.fee_for(query.category)
    repair_fee = fee if not outcome.free and Remedy.REPAIR in outcome.remedies else None
    if repair_fee is not None:
        lines.append(f"A repair costs {repair_fee} per unit (the policy's fee schedule).")
    if Remedy.RETURN in outcome.remedies:
        lines.append(
            f"A refund goes back to the original payment route within "
            f"{terms.refund_within_days} days of receiving the returned goods."
        )
    return CoverageDecision(
        rule_id=rule.rule_id,
        policy_version=policy.version,
        remedies=outcome.remedies,
        free=outcome.free,
        responsible=outcome.responsible,
        shipping_payer=outcome.shipping_payer,
        explanation=" ".join(lines),
        deduction=deduction,
        deduction_basis=basis,
        warranty_ends_on=facts.warranty_ends_on,
        refund_within_days=terms.refund_within_days,
        route_to=outcome.route_to,
        discount_rate=discount,
        repair_fee=repair_fee,
        plan_id=facts.plan_id,
    )
