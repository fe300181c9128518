"""The catalogue of standard repair solutions, and the codes a claim records with it."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta

import pytest

from domain.application import ClaimsLedger
from domain.catalogue import UnknownFaultCodeError, UnknownSolutionError, default_catalogue
from domain.claim import BUSINESS_TZ, Claim
from domain.errors import InvalidInputError
from domain.values import Actor, Customer, Item, Purchase, RepairWork
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    ProofOfPurchase,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
)

TECH = Actor("tech-1", Role.TECHNICIAN)
BOUGHT = date(2026, 11, 1)
NOW = datetime.combine(BOUGHT + timedelta(days=5), time(10, 0), BUSINESS_TZ)


def test_a_fault_applies_to_its_category_and_listed_models_only() -> None:
    catalogue = default_catalogue()
    assert catalogue.check_fault("LT-FLICKER", "lighting", "LED-9W").name_zh == "LED 闪烁"
    with pytest.raises(UnknownFaultCodeError) as refused:
        catalogue.check_fault("LT-FLICKER", "lighting", "TD-30")
    assert refused.value.field == "fault_code" and "LT-WIRING" in refused.value.valid
    with pytest.raises(UnknownFaultCodeError):
        catalogue.check_fault("LA-COMPRESSOR", "lighting", "LED-9W")


def test_a_solution_must_be_the_diagnosed_faults_or_the_items_categorys() -> None:
    catalogue = default_catalogue()
    fix = catalogue.check_solution("LT-WIRING-DRIVER", "LT-WIRING", "lighting", "LED-9W")
    assert fix.parts == ("LED-DRIVER-9W",)
    with pytest.raises(UnknownSolutionError) as refused:
        catalogue.check_solution("LT-SOCKET-REPLACE", "LT-WIRING", "lighting", "LED-9W")
    assert refused.value.valid == ("LT-WIRING-RESOLDER", "LT-WIRING-DRIVER")
    assert catalogue.check_solution("LT-SOCKET-REPLACE", "", "lighting", "LED-9W")
    with pytest.raises(UnknownSolutionError):
        catalogue.check_solution("LA-COMPRESSOR-REPLACE", "", "lighting", "LED-9W")


def coded_repair(ledger: ClaimsLedger) -> Claim:
    claim_id = ledger.report(
        TECH,
        claim_number="SB-C-1",
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=Customer(name="王芳", phone="13712345678", region="江苏"),
        items=(Item("LED-9W", "lighting", serial_no="S-1"),),
        purchase=Purchase(BOUGHT, proof=ProofOfPurchase.INVOICE),
        requested_remedy=Remedy.REPAIR,
        description="flickers",
    ).claim_id
    with pytest.raises(InvalidInputError) as refused:
        ledger.command(
            Claim.diagnose, claim_id, TECH, finding="闪烁", cause=Cause.QUALITY_DEFECT,
            fault_code="LT-FLICKER",
        )  # fmt: skip
    assert refused.value.reason == "a fault code is diagnosed per item"
    ledger.command(
        Claim.diagnose, claim_id, TECH, finding="闪烁", cause=Cause.QUALITY_DEFECT, item_no=1,
        remedy=Remedy.REPAIR, fault_code="LT-FLICKER",
    )  # fmt: skip
    ledger.command(Claim.start_repair, claim_id, TECH, item_no=1, mode=RepairMode.ON_SITE)
    ledger.command(
        Claim.record_repair, claim_id, TECH, item_no=1, outcome=RepairOutcome.FIXED,
        work=RepairWork(), solution_id="LT-FLICKER-DRIVER",
    )  # fmt: skip
    return ledger.get_claim(claim_id)


def test_a_claim_records_the_fault_code_and_the_solution_applied() -> None:
    ledger = ClaimsLedger(clock=lambda: NOW)
    claim = coded_repair(ledger)
    assert claim.items[0].fault_code == "LT-FLICKER"
    data = {h.event_type: h.data for h in ledger.history(claim.id)}
    assert data["Diagnosed"]["fault_code"] == "LT-FLICKER"
    assert data["Repaired"]["solution_id"] == "LT-FLICKER-DRIVER"


def test_diagnoses_and_repairs_recorded_before_the_catalogue_replay_without_codes() -> None:
    ledger = ClaimsLedger(clock=lambda: NOW)
    claim = coded_repair(ledger)
    stored = ledger.recorder._stored_events  # type: ignore[attr-defined]
    for index, record in enumerate(stored):
        state = json.loads(record.state)
        state.pop("fault_code", None)
        state.pop("solution_id", None)
        stored[index] = dataclasses.replace(record, state=json.dumps(state).encode())
    old = ClaimsLedger(clock=lambda: NOW)
    old.recorder._stored_events = stored  # type: ignore[attr-defined]
    old.recorder._stored_events_index = ledger.recorder._stored_events_index  # type: ignore[attr-defined]
    replayed = old.get_claim(claim.id)
    assert replayed.items[0].fault_code == ""
    assert replayed.items[0].repairs and replayed.version == claim.version
    assert "solution_id" not in old.history(claim.id)[-1].data
