from datetime import date
from decimal import Decimal

import pytest

from domain.claim import Claim, ClaimStatus
from domain.errors import InvalidInputError
from domain.values import Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind

from .factories import AGENT, T0, lamp, reported


def test_reported_claim_records_customer_items_and_purchase() -> None:
    claim = reported(items=(lamp("SN-1"), lamp("SN-2")))
    assert claim.status is ClaimStatus.REPORTED
    assert [s.item.serial_no for s in claim.items] == ["SN-1", "SN-2"]
    assert [s.no for s in claim.items] == [1, 2]
    assert claim.reported_by == AGENT
    assert claim.reported_at == T0
    assert [type(e).__name__ for e in claim.collect_events()] == ["Reported"]


def test_claim_id_derives_from_claim_number() -> None:
    assert reported().id == Claim.create_id("C-1")
    assert Claim.create_id("C-1") != Claim.create_id("C-2")


def test_report_without_items_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        Claim.report(
            claim_number="C-1",
            actor=AGENT,
            occurred_at=T0,
            kind=ClaimKind.REPAIR,
            channel=Channel.PHONE,
            customer=Customer("A", phone="1"),
            items=(),
            purchase=Purchase(date(2026, 1, 1)),
            requested_remedy=None,
            description="",
        )
    assert refused.value.field == "items"


def test_report_before_the_purchase_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        Claim.report(
            claim_number="C-1",
            actor=AGENT,
            occurred_at=T0,
            kind=ClaimKind.REPAIR,
            channel=Channel.PHONE,
            customer=Customer("A", phone="1"),
            items=(lamp(),),
            purchase=Purchase(date(2026, 12, 1)),
            requested_remedy=None,
            description="",
        )
    assert refused.value.field == "purchase.purchased_on"  # what the caller typed


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Customer(name=" ", phone="1"), "customer.name"),
        (lambda: Customer(name="A"), "customer.phone"),
        (lambda: Item(model="", category="lighting"), "items.model"),
        (lambda: Item(model="M", category="lighting", quantity=0), "items.quantity"),
        (lambda: Item(model="M", category="lighting", price=Decimal("-1")), "items.price"),
        (
            lambda: Purchase(date(2026, 2, 1), delivered_on=date(2026, 1, 1)),
            "purchase.delivered_on",
        ),
    ],
)
def test_invalid_report_values_name_the_field(build, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInputError) as refused:
        build()
    assert refused.value.field == field
