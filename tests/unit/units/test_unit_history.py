"""One history per unit, on the library's in-memory store: a claim's decision reads the
repairs, failed repairs and exchanges that other claims recorded for its serial."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

import pytest

from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from domain.errors import InvalidInputError
from domain.units import UnitAlreadyRegisteredError
from domain.values import Actor, Customer, Item, Purchase, RepairWork
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    ProofOfPurchase,
    RepairMode,
    RepairOutcome,
    Role,
)

AGENT = Actor("agent-1", Role.AGENT)
TECH = Actor("tech-1", Role.TECHNICIAN)
CUSTOMER = Customer(name="王芳", phone="13712345678", region="江苏")
BOUGHT = date(2025, 11, 1)  # 12-month warranty: its last day is 2026-10-31


def on(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), BUSINESS_TZ)


class Clock:
    def __init__(self) -> None:
        self.now = on(BOUGHT)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ledger(clock: Clock) -> ClaimsLedger:
    return ClaimsLedger(env={"AGGREGATE_CACHE_MAXSIZE": "100"}, clock=clock)


def report(
    ledger: ClaimsLedger, clock: Clock, number: str, day: date, serial: str, **purchase: Any
) -> UUID:
    clock.now = on(day)
    return ledger.report(
        AGENT,
        claim_number=number,
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=CUSTOMER,
        items=(Item("XD-450", "lighting", serial_no=serial),),
        purchase=Purchase(purchase.pop("purchased_on", BOUGHT), **purchase),
        requested_remedy=None,
        description="does not light",
    ).claim_id


def diagnose(ledger: ClaimsLedger, claim_id: UUID, **extra: Any) -> Claim:
    ledger.command(
        Claim.diagnose,
        claim_id,
        TECH,
        finding="driver board",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
        **extra,
    )
    return ledger.get_claim(claim_id)


def repair(
    ledger: ClaimsLedger, clock: Clock, claim_id: UUID, start: date, end: date, fixed: bool = True
) -> None:
    clock.now = on(start)
    ledger.command(Claim.start_repair, claim_id, TECH, item_no=1, mode=RepairMode.MAIL_IN)
    clock.now = on(end)
    outcome = RepairOutcome.FIXED if fixed else RepairOutcome.STILL_FAILING
    ledger.command(
        Claim.record_repair, claim_id, TECH, item_no=1, outcome=outcome, work=RepairWork()
    )


def test_days_in_repair_on_an_earlier_claim_extend_the_warranty_of_a_later_one(
    ledger: ClaimsLedger, clock: Clock
) -> None:
    first = report(ledger, clock, "C-1", date(2026, 10, 5), "SN-1")
    diagnose(ledger, first)
    repair(ledger, clock, first, date(2026, 10, 5), date(2026, 10, 14))  # 10 days

    second = report(ledger, clock, "C-2", date(2026, 11, 6), "SN-1")  # day 370
    decision = diagnose(ledger, second).item(1).decision

    assert decision is not None
    assert decision.free and decision.warranty_ends_on == date(2026, 11, 10)
    assert "C-1" in decision.explanation and "10 day(s) in repair" in decision.explanation


def test_a_claim_for_another_serial_gets_no_extension(ledger: ClaimsLedger, clock: Clock) -> None:
    first = report(ledger, clock, "C-1", date(2026, 10, 5), "SN-1")
    diagnose(ledger, first)
    repair(ledger, clock, first, date(2026, 10, 5), date(2026, 10, 14))

    other = report(ledger, clock, "C-2", date(2026, 11, 6), "SN-2")
    decision = diagnose(ledger, other).item(1).decision

    assert decision is not None
    assert not decision.free and decision.warranty_ends_on == date(2026, 10, 31)


def test_failed_repairs_on_two_claims_open_an_exchange(ledger: ClaimsLedger, clock: Clock) -> None:
    first = report(ledger, clock, "C-1", date(2026, 3, 2), "SN-1")
    diagnose(ledger, first)
    repair(ledger, clock, first, date(2026, 3, 2), date(2026, 3, 3), fixed=False)
    second = report(ledger, clock, "C-2", date(2026, 4, 1), "SN-1")
    diagnose(ledger, second)
    repair(ledger, clock, second, date(2026, 4, 1), date(2026, 4, 2), fixed=False)

    third = report(ledger, clock, "C-3", date(2026, 5, 4), "SN-1")
    decision = diagnose(ledger, third).item(1).decision

    assert decision is not None and decision.rule_id == "quality-repeat-failure"


def exchanged_unit(ledger: ClaimsLedger, clock: Clock) -> UUID:
    """SN-1 repaired (10 days) and failing twice on C-1, then exchanged for SN-9 on 2026-04-01."""
    first = report(ledger, clock, "C-1", date(2026, 3, 2), "SN-1")
    diagnose(ledger, first)
    repair(ledger, clock, first, date(2026, 3, 2), date(2026, 3, 11), fixed=False)
    diagnose(ledger, first)
    repair(ledger, clock, first, date(2026, 3, 20), date(2026, 3, 21), fixed=False)
    assert diagnose(ledger, first).item(1).remedy is not None
    clock.now = on(date(2026, 4, 1))
    ledger.command(Claim.ship_replacement, first, TECH, item_no=1, serial_no="SN-9", batch_no="B2")
    return first


def test_a_replacement_continues_the_history_of_the_unit_it_replaced(
    ledger: ClaimsLedger, clock: Clock
) -> None:
    exchanged_unit(ledger, clock)

    history = ledger.unit_history("SN-9")

    assert history.chain == ("SN-1", "SN-9")
    assert history.exchanged_on == date(2026, 4, 1)
    assert [c.claim_number for c in history.claims] == ["C-1"]
    assert [(e.from_serial, e.to_serial, e.batch_no) for e in history.exchanges] == [
        ("SN-1", "SN-9", "B2")
    ]


def test_a_replacement_has_its_warranty_from_the_exchange_without_the_old_repairs(
    ledger: ClaimsLedger, clock: Clock
) -> None:
    exchanged_unit(ledger, clock)
    # Day 375 after the purchase: the old warranty is over, the replacement's runs to 2027-03-31.
    later = report(ledger, clock, "C-2", date(2026, 11, 10), "SN-9")
    decision = diagnose(ledger, later).item(1).decision

    assert decision is not None and decision.free
    assert decision.warranty_ends_on == date(2027, 3, 31)  # old repairs do not extend it
    assert decision.rule_id != "quality-repeat-failure"  # nor count as its failed repairs
    assert "replacement for SN-1" in decision.explanation
    assert "0 in this warranty" in decision.explanation  # the old unit's repairs are named apart


def test_the_history_names_every_claim_of_the_chain(ledger: ClaimsLedger, clock: Clock) -> None:
    first = report(ledger, clock, "C-1", date(2026, 3, 2), "SN-1")
    diagnose(ledger, first)
    repair(ledger, clock, first, date(2026, 3, 2), date(2026, 3, 3), fixed=False)
    history = ledger.unit_history("SN-1")
    assert [c.claim_number for c in history.claims] == ["C-1"]
    assert history.chain == ("SN-1",)
    assert [r.days_in_repair for r in history.repairs] == [2]


def test_a_registration_stands_in_for_a_missing_proof_of_purchase(
    ledger: ClaimsLedger, clock: Clock
) -> None:
    clock.now = on(date(2026, 1, 10))
    registration, created = ledger.register_unit(
        AGENT,
        serial_no="SN-R",
        model="XD-450",
        purchased_on=date(2026, 1, 10),
        channel="天猫旗舰店",
    )
    assert created and registration.purchased_on == date(2026, 1, 10)
    claim_id = report(
        ledger,
        clock,
        "C-R",
        date(2026, 6, 1),
        "SN-R",
        purchased_on=date(2026, 1, 10),
        proof=ProofOfPurchase.NONE,
    )
    decision = diagnose(ledger, claim_id).item(1).decision
    assert decision is not None and decision.free
    assert "registration" in decision.explanation


def test_registering_again_returns_the_registration_and_other_facts_are_refused(
    ledger: ClaimsLedger, clock: Clock
) -> None:
    clock.now = on(date(2026, 1, 10))
    fields: dict[str, Any] = {
        "serial_no": "SN-R",
        "model": "XD-450",
        "purchased_on": date(2026, 1, 10),
        "channel": "门店",
    }
    ledger.register_unit(AGENT, **fields)
    again, created = ledger.register_unit(AGENT, **fields)
    assert not created and again.channel == "门店"
    with pytest.raises(UnitAlreadyRegisteredError):
        ledger.register_unit(AGENT, **{**fields, "purchased_on": date(2026, 1, 9)})
    with pytest.raises(InvalidInputError):
        ledger.register_unit(AGENT, **{**fields, "serial_no": "SN-X", "model": "bad model"})


def test_a_blank_serial_names_no_unit(ledger: ClaimsLedger, clock: Clock) -> None:
    report(ledger, clock, "C-1", date(2026, 3, 2), "")

    history = ledger.unit_history("  ")

    assert history.claims == () and history.registration is None
