"""Stock and claims on the library's in-memory store: an exchange reserves its unit at
diagnosis or waits for stock with its SLA paused for parts, shipping needs the
reservation and issues it, a repair issues the parts it records."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

import pytest

from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from domain.errors import InvalidInputError
from domain.stock import NothingReservedError, OutOfStockError
from domain.values import Actor, Customer, Item, Purchase, RepairWork
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    PauseReason,
    ProofOfPurchase,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
)

AGENT = Actor("agent-1", Role.AGENT)
TECH = Actor("tech-1", Role.TECHNICIAN)
STORE = Actor("store-1", Role.WAREHOUSE)
CUSTOMER = Customer(name="王芳", phone="13712345678", region="江苏")
BOUGHT = date(2026, 11, 1)
NOW = datetime.combine(BOUGHT + timedelta(days=5), time(10, 0), BUSINESS_TZ)


@pytest.fixture
def ledger() -> ClaimsLedger:
    return ClaimsLedger(env={"AGGREGATE_CACHE_MAXSIZE": "100"}, clock=lambda: NOW)


def report(ledger: ClaimsLedger, number: str, remedy: Remedy = Remedy.EXCHANGE) -> UUID:
    return ledger.report(
        AGENT,
        claim_number=number,
        kind=ClaimKind.EXCHANGE if remedy is Remedy.EXCHANGE else ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=CUSTOMER,
        items=(Item("XD-450", "lighting", serial_no=f"S-{number}"),),
        purchase=Purchase(BOUGHT, proof=ProofOfPurchase.INVOICE),
        requested_remedy=remedy,
        description="does not light",
    ).claim_id


def diagnose(ledger: ClaimsLedger, claim_id: UUID, remedy: Remedy, **extra: object) -> None:
    ledger.command(
        Claim.diagnose,
        claim_id,
        TECH,
        finding="driver board",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
        remedy=remedy,
        **extra,
    )


def ship(ledger: ClaimsLedger, claim_id: UUID, serial: str) -> None:
    ledger.command(Claim.ship_replacement, claim_id, STORE, item_no=1, serial_no=serial)


def test_an_exchange_of_a_stocked_model_reserves_its_unit_and_shipping_issues_it(
    ledger: ClaimsLedger,
) -> None:
    ledger.stock.receive(STORE, NOW, "main", "XD-450", 2, low_stock_at=1)
    claim_id = report(ledger, "SB-S-1")
    diagnose(ledger, claim_id, Remedy.EXCHANGE)
    item = ledger.stock.item("main", "XD-450")
    assert item is not None
    assert (item.on_hand, item.reserved, item.available, item.low) == (2, 1, 1, True)
    assert item.reserved_for == {f"{claim_id}#1": "SB-S-1"}
    ship(ledger, claim_id, "XD-NEW-1")
    item = ledger.stock.item("main", "XD-450")
    assert item is not None
    assert (item.on_hand, item.reserved, item.available) == (1, 0, 1)


def test_without_stock_the_exchange_waits_with_its_sla_paused_for_parts(
    ledger: ClaimsLedger,
) -> None:
    ledger.stock.receive(STORE, NOW, "main", "XD-450", 1)
    first, second = report(ledger, "SB-S-1"), report(ledger, "SB-S-2")
    diagnose(ledger, first, Remedy.EXCHANGE)
    diagnose(ledger, second, Remedy.EXCHANGE)
    waiting = ledger.get_claim(second)
    assert waiting.sla_paused and waiting.sla_paused_for is PauseReason.WAITING_ON_PARTS
    assert [h.event_type for h in ledger.history(second)][-2:] == ["Diagnosed", "SlaPaused"]
    version = waiting.version
    with pytest.raises(NothingReservedError):
        ship(ledger, second, "XD-NEW-2")
    assert ledger.get_claim(second).version == version  # the refusal stored nothing
    ledger.stock.receive(STORE, NOW, "main", "XD-450", 1)
    ledger.reserve_stock(STORE, second, 1)
    resumed = ledger.get_claim(second)
    assert not resumed.sla_paused and resumed.sla_paused_for is None
    ship(ledger, second, "XD-NEW-2")
    item = ledger.stock.item("main", "XD-450")
    assert item is not None and (item.on_hand, item.reserved) == (1, 1)


def test_a_model_never_stocked_keeps_shipping_without_a_reservation(
    ledger: ClaimsLedger,
) -> None:
    claim_id = report(ledger, "SB-S-1")
    diagnose(ledger, claim_id, Remedy.EXCHANGE)
    ship(ledger, claim_id, "XD-NEW-1")
    assert ledger.stock.items() == []


def test_a_repair_issues_its_stocked_parts_and_is_refused_beyond_the_stock(
    ledger: ClaimsLedger,
) -> None:
    ledger.stock.receive(STORE, NOW, "main", "LED-DRIVER-9W", 1)
    claim_id = report(ledger, "SB-S-1", Remedy.REPAIR)
    diagnose(ledger, claim_id, Remedy.REPAIR, fault_code="LT-WIRING")
    ledger.command(Claim.start_repair, claim_id, TECH, item_no=1, mode=RepairMode.ON_SITE)
    version = ledger.get_claim(claim_id).version
    two = RepairWork(parts=("LED-DRIVER-9W", "LED-DRIVER-9W"))
    with pytest.raises(OutOfStockError) as refused:
        ledger.command(
            Claim.record_repair, claim_id, TECH, item_no=1, outcome=RepairOutcome.FIXED, work=two
        )
    assert refused.value.field == "parts"
    assert ledger.get_claim(claim_id).version == version
    one = RepairWork(parts=("LED-DRIVER-9W", "焊锡"))  # solder is not kept in stock
    ledger.command(
        Claim.record_repair,
        claim_id,
        TECH,
        item_no=1,
        outcome=RepairOutcome.FIXED,
        work=one,
        solution_id="LT-WIRING-DRIVER",
    )
    item = ledger.stock.item("main", "LED-DRIVER-9W")
    assert item is not None and item.on_hand == 0
    assert ledger.history(claim_id)[-1].data["solution_id"] == "LT-WIRING-DRIVER"


def test_a_new_diagnosis_choosing_a_repair_gives_the_reservation_back(
    ledger: ClaimsLedger,
) -> None:
    ledger.stock.receive(STORE, NOW, "main", "XD-450", 1)
    claim_id = report(ledger, "SB-S-1")
    diagnose(ledger, claim_id, Remedy.EXCHANGE)
    diagnose(ledger, claim_id, Remedy.REPAIR)
    item = ledger.stock.item("main", "XD-450")
    assert item is not None and (item.reserved, item.available) == (0, 1)


def test_a_refused_diagnosis_reserves_nothing(ledger: ClaimsLedger) -> None:
    ledger.stock.receive(STORE, NOW, "main", "XD-450", 1)
    claim_id = report(ledger, "SB-S-1")
    with pytest.raises(InvalidInputError) as refused:
        diagnose(ledger, claim_id, Remedy.EXCHANGE, fault_code="LA-COMPRESSOR")
    assert refused.value.field == "fault_code"
    item = ledger.stock.item("main", "XD-450")
    assert item is not None and item.reserved == 0 and item.version == 2


def test_receipts_are_checked_and_list_the_items_in_order(ledger: ClaimsLedger) -> None:
    with pytest.raises(InvalidInputError) as refused:
        ledger.stock.receive(STORE, NOW, "main", " XD-450", 1)
    assert refused.value.field == "sku"
    with pytest.raises(InvalidInputError):
        ledger.stock.receive(STORE, NOW, "main", "XD-450", 0)
    ledger.stock.receive(STORE, NOW, "main", "XD-450", 3)
    ledger.stock.receive(STORE, NOW, "east", "灯座", 5, low_stock_at=2)
    ledger.stock.receive(STORE, NOW, "main", "XD-450", 1)
    assert [(i.warehouse, i.sku, i.on_hand) for i in ledger.stock.items()] == [
        ("main", "XD-450", 4),
        ("east", "灯座", 5),
    ]
