"""A fee schedule in the policy prices paid repairs; without one they are quoted by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from domain.claim import Claim
from domain.errors import InvalidInputError, QuoteOffDecisionError
from domain.policy import PolicyDocument, evaluate, parse_document
from domain.quotes import quote_due
from domain.values import Customer, Item, Purchase, QuoteLine
from domain.vocabulary import Cause, Channel, ClaimKind, Remedy

from ..claim.factories import AGENT, T0, TECH, at, sealed
from .builders import POLICY, decide, query, shipped_data


def with_fees(fees: dict[str, Any]) -> PolicyDocument:
    data = shipped_data()
    data["repair_fees"] = fees
    return parse_document(data, "2026.1.toml")


def test_the_shipped_policy_has_no_fee_schedule() -> None:
    assert POLICY.repair_fees.by_category == {}
    assert decide(Cause.MISUSE, day=40).repair_fee is None


def test_a_paid_repair_of_a_scheduled_category_carries_the_fee() -> None:
    policy = with_fees({"lighting": 50})
    misuse = evaluate(policy, query(Cause.MISUSE, day=40))
    assert misuse.repair_fee == Decimal("50")
    assert "50 per unit" in misuse.explanation
    # Free work and other categories carry none.
    assert evaluate(policy, query(Cause.QUALITY_DEFECT, day=40)).repair_fee is None
    assert evaluate(policy, query(Cause.MISUSE, day=40, category="apparel")).repair_fee is None


@pytest.mark.parametrize(
    ("fees", "field"),
    [
        ({"lamps": 50}, "repair_fees"),
        ({"lighting": 0}, "lighting"),
        ({"lighting": "x"}, "lighting"),
    ],
)
def test_a_fee_schedule_names_known_categories_with_positive_fees(
    fees: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        with_fees(fees)
    assert field in refused.value.field


def test_a_paid_repair_is_quoted_at_the_fee_times_the_units_repaired() -> None:
    policy = with_fees({"lighting": Decimal("35.50")})
    item = Item(model="LED-9W", category="lighting", quantity=3, price=Decimal("29.90"))
    claim = Claim.report(
        claim_number="C-1",
        actor=AGENT,
        occurred_at=T0,
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=sealed(Customer(name="刘洋", phone="13800138000")),
        items=(item,),
        purchase=Purchase(purchased_on=T0.date().replace(month=1)),
        requested_remedy=Remedy.REPAIR,
        description="摔坏了",
        policy=policy,
    )
    ruled = evaluate(policy, claim.policy_query(1, Cause.MISUSE))
    claim.diagnose(TECH, at(1), "摔坏", Cause.MISUSE, 1, ruled, Remedy.REPAIR, 2)
    due = quote_due(claim.item(1))
    assert due is not None and due.amount == Decimal("71.00")
    with pytest.raises(QuoteOffDecisionError) as refused:
        claim.quote(TECH, at(2), 1, (QuoteLine("维修", Decimal("80")),))
    assert refused.value.expected == "71.00" and "fee" in refused.value.rule
    claim.quote(TECH, at(2), 1)
    assert claim.item(1).quoted_amount == Decimal("71.00")
