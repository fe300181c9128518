"""Erasing a customer through the ledger (in memory): key first, then a fact on each claim."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.application import ClaimsLedger
from domain.erasure import erase_customer
from domain.errors import CustomerErasedError, CustomerNotFoundError, DuplicateClaimError
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from tests.support.business_day import business_today

AGENT = Actor("agent-1", Role.AGENT)
BOSS = Actor("boss-1", Role.SUPERVISOR)
ZHANG = Customer(name="张伟", phone="13912345678", region="浙江", customer_id="crm-42")


@pytest.fixture
def ledger() -> ClaimsLedger:
    return ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def report(ledger: ClaimsLedger, number: str, customer: Customer = ZHANG) -> None:
    ledger.report(
        AGENT,
        claim_number=number,
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=customer,
        items=(Item("XD-450", "lighting"),),
        purchase=Purchase(business_today() - timedelta(days=3)),
        requested_remedy=None,
        description="does not light",
    )


def test_erasure_records_a_fact_on_each_of_the_customers_claims(ledger: ClaimsLedger) -> None:
    report(ledger, "C-1")
    report(ledger, "C-2")
    report(ledger, "C-3", replace(ZHANG, customer_id="crm-7", name="李娜"))
    erasure = erase_customer(ledger, "crm-42", BOSS)
    assert erasure.newly and erasure.erased_by == "boss-1"
    assert sorted(c.claim_number for c in erasure.claims) == ["C-1", "C-2"]
    for number in ("C-1", "C-2"):
        claim = ledger.get_claim_by_number(number)
        assert claim.personal_data_erased and ledger.customer_of(claim) is None
        last = ledger.history(claim.id)[-1]
        assert (last.event_type, last.actor) == ("PersonalDataErased", BOSS)
    other = ledger.get_claim_by_number("C-3")
    assert ledger.customer_of(other) == replace(ZHANG, customer_id="crm-7", name="李娜")


def test_erasing_again_records_nothing_more(ledger: ClaimsLedger) -> None:
    report(ledger, "C-1")
    erase_customer(ledger, "crm-42", BOSS)
    again = erase_customer(ledger, "crm-42", BOSS)
    assert not again.newly
    assert [c.position for c in again.claims] == [None]
    assert ledger.get_claim_by_number("C-1").version == 2


def test_erasing_an_unknown_customer_is_refused(ledger: ClaimsLedger) -> None:
    with pytest.raises(CustomerNotFoundError):
        erase_customer(ledger, "nobody", BOSS)


def test_an_erased_customer_cannot_be_named_on_a_new_claim(ledger: ClaimsLedger) -> None:
    report(ledger, "C-1")
    erase_customer(ledger, "crm-42", BOSS)
    with pytest.raises(CustomerErasedError):
        report(ledger, "C-2")


def test_a_retried_report_is_one_claim_though_sealed_twice(ledger: ClaimsLedger) -> None:
    report(ledger, "C-1")
    report(ledger, "C-1")
    assert ledger.get_claim_by_number("C-1").version == 1


def test_a_claim_number_reported_for_another_customer_is_a_duplicate(
    ledger: ClaimsLedger,
) -> None:
    report(ledger, "C-1")
    with pytest.raises(DuplicateClaimError):
        report(ledger, "C-1", replace(ZHANG, phone="13000000000"))
