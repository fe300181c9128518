"""The traceability view keeps one row per claim item with its cause, decision and remedies."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import dict_row

from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from domain.values import Item, Purchase, QuoteLine, RepairWork
from domain.vocabulary import (
    Cause,
    ClaimKind,
    EscalationReason,
    InspectionResult,
    Priority,
    ProblemCategory,
    Remedy,
    RepairMode,
    RepairOutcome,
)
from projections.engine.runner import ViewRunner
from projections.trace.trace_view import TraceView
from tests.support.business_day import business_today

from ..reports import AGENT, TECH, new_report

pytestmark = pytest.mark.postgres

Row = dict[str, Any]


def lamp(**overrides: Any) -> Item:
    tag = uuid.uuid4().hex[:8]
    fields: dict[str, Any] = {
        "model": f"M-{tag}", "category": "lighting", "serial_no": f"S-{tag}",
        "batch_no": f"B-{tag}", "supplier": f"SUP-{tag}", "price": Decimal("29.90"),
    }  # fmt: skip
    return Item(**(fields | overrides))


def bought(days_ago: int) -> Purchase:
    day = business_today() - timedelta(days=days_ago)
    return Purchase(purchased_on=day, delivered_on=day)


@pytest.fixture
def rows(migrated_url: str) -> Iterator[Callable[[UUID], list[Row]]]:
    query = "SELECT * FROM views.trace_items WHERE claim_id = %s ORDER BY item_no"
    with psycopg.connect(migrated_url, row_factory=dict_row) as conn:
        yield lambda claim: conn.execute(query, (claim,)).fetchall()


def repair(ledger: ClaimsLedger, claim: UUID, outcome: RepairOutcome) -> None:
    ledger.command(Claim.start_repair, claim, TECH, item_no=1, mode=RepairMode.MAIL_IN)
    ledger.command(Claim.record_repair, claim, TECH, item_no=1, outcome=outcome, work=RepairWork())


def failing_twice_then_exchanged(ledger: ClaimsLedger) -> UUID:
    claim = ledger.report(AGENT, **new_report(items=(lamp(),))).claim_id
    ledger.command(
        Claim.diagnose, claim, TECH, finding="驱动故障", cause=Cause.QUALITY_DEFECT, item_no=1
    )
    repair(ledger, claim, RepairOutcome.STILL_FAILING)
    repair(ledger, claim, RepairOutcome.STILL_FAILING)
    ledger.command(Claim.escalate, claim, AGENT, reason=EscalationReason.CUSTOMER_DISSATISFIED)
    ledger.command(
        Claim.diagnose, claim, TECH, finding="两次维修失败", cause=Cause.QUALITY_DEFECT, item_no=1
    )
    ledger.command(
        Claim.ship_replacement, claim, TECH, item_no=1, serial_no="NEW-7", batch_no="B-N"
    )
    return claim


def test_a_reported_item_carries_the_claims_facts(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    item = lamp()
    result = ledger.report(AGENT, **new_report(items=(item,), kind=ClaimKind.EXCHANGE))
    catch_up(TraceView())
    [row] = rows(result.claim_id)
    reported_at = row["reported_at"].astimezone(BUSINESS_TZ)
    assert {k: row[k] for k in ("claim_number", "kind", "region", "model", "category")} == {
        "claim_number": result.claim_number, "kind": "exchange", "region": "广东",
        "model": item.model, "category": "lighting",
    }  # fmt: skip
    assert (row["serial_no"], row["batch_no"], row["supplier"]) == (
        item.serial_no, item.batch_no, item.supplier
    )  # fmt: skip
    assert (row["price"], row["quantity"], row["stage"], row["claim_status"]) == (
        Decimal("29.90"), 1, "pending", "open"
    )  # fmt: skip
    assert row["month"] == reported_at.date().replace(day=1)


def test_an_item_without_serial_or_batch_stores_null_not_an_empty_string(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    claim = ledger.report(AGENT, **new_report(items=(lamp(serial_no="", batch_no=""),))).claim_id
    catch_up(TraceView())
    [row] = rows(claim)
    assert row["serial_no"] is None and row["batch_no"] is None


def test_classification_applies_to_every_item(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    claim = ledger.report(AGENT, **new_report(items=(lamp(), lamp()))).claim_id
    ledger.command(
        Claim.classify, claim, AGENT, problem_category=ProblemCategory.PRODUCT_FAULT,
        priority=Priority.NORMAL,
    )  # fmt: skip
    catch_up(TraceView())
    assert [(r["item_no"], r["problem_category"]) for r in rows(claim)] == [
        (1, "product_fault"), (2, "product_fault")
    ]  # fmt: skip


def test_a_diagnosis_records_cause_rule_policy_remedy_and_responsibility(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    claim = ledger.report(AGENT, **new_report(items=(lamp(), lamp()))).claim_id
    ledger.command(Claim.diagnose, claim, TECH, finding="外壳摔裂", cause=Cause.MISUSE, item_no=2)
    catch_up(TraceView())
    first, second = rows(claim)
    assert first["cause"] is None and first["stage"] == "pending"
    assert {k: second[k] for k in ("cause", "rule_id", "policy_version", "remedy")} == {
        "cause": "misuse", "rule_id": "misuse-not-covered", "policy_version": "2026.1",
        "remedy": "repair",
    }  # fmt: skip
    assert (second["free"], second["responsible"], second["stage"]) == (
        False, "customer", "diagnosed"
    )  # fmt: skip


def test_a_diagnosis_of_the_whole_claim_is_kept_apart_from_item_causes(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    claim = ledger.report(AGENT, **new_report(kind=ClaimKind.COMPLAINT)).claim_id
    ledger.command(
        Claim.diagnose, claim, TECH, finding="态度问题，致歉", cause=Cause.SERVICE_FAILURE
    )
    catch_up(TraceView())
    [row] = rows(claim)
    assert (row["claim_cause"], row["cause"]) == ("service_failure", None)


def test_failed_repairs_and_the_exchange_are_counted(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    claim = failing_twice_then_exchanged(ledger)
    catch_up(TraceView())
    [row] = rows(claim)
    assert (row["repairs"], row["failed_repairs"], row["exchanged"]) == (2, 2, 1)
    assert (row["rule_id"], row["remedy"], row["stage"]) == (
        "quality-repeat-failure", "exchange", "replaced"
    )  # fmt: skip
    assert (row["replacement_serial_no"], row["replacement_batch_no"]) == ("NEW-7", "B-N")
    assert row["escalation_level"] == 1


def test_a_paid_repair_keeps_its_quoted_amount(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    claim = ledger.report(AGENT, **new_report(items=(lamp(),))).claim_id
    ledger.command(
        Claim.diagnose, claim, TECH, finding="私自改装", cause=Cause.UNAUTHORISED_REPAIR, item_no=1
    )
    lines = (QuoteLine("灯座", Decimal("85.00")), QuoteLine("人工", Decimal("40.00")))
    ledger.command(Claim.quote, claim, TECH, item_no=1, lines=lines)
    ledger.command(Claim.accept_quote, claim, AGENT, item_no=1)
    repair(ledger, claim, RepairOutcome.FIXED)
    catch_up(TraceView())
    [row] = rows(claim)
    assert (row["quoted_amount"], row["repairs"], row["failed_repairs"], row["stage"]) == (
        Decimal("125.00"), 1, 0, "repaired"
    )  # fmt: skip


def test_a_return_and_its_refund_are_counted_with_the_amount(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    report = new_report(items=(lamp(),), purchase=bought(2), kind=ClaimKind.RETURN)
    claim = ledger.report(AGENT, **report).claim_id
    ledger.command(
        Claim.diagnose,
        claim,
        TECH,
        finding="不亮",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
        remedy=Remedy.RETURN,
    )
    inspection = InspectionResult.AS_DESCRIBED
    ledger.command(Claim.receive_return, claim, TECH, item_no=1, inspection=inspection)
    amount = Decimal("29.90")
    ledger.command(Claim.refund, claim, AGENT, item_no=1, amount=amount, deductions=(), route="wx")
    catch_up(TraceView())
    [row] = rows(claim)
    assert (row["returned"], row["refunds"], row["refunded_amount"], row["stage"]) == (
        1, 1, amount, "refunded"
    )  # fmt: skip


def test_closing_and_reopening_change_the_claim_status(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    claim = ledger.report(AGENT, **new_report()).claim_id
    ledger.command(Claim.reject, claim, AGENT, reason="超出三包范围")
    catch_up(TraceView())
    [rejected] = rows(claim)
    ledger.command(Claim.reopen, claim, AGENT, reason="复核")
    catch_up(TraceView())
    [reopened] = rows(claim)
    assert (rejected["claim_status"], rejected["closed_at"] is not None) == ("rejected", True)
    assert (reopened["claim_status"], reopened["closed_at"]) == ("open", None)


def test_small_batches_count_every_event_once(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], rows: Callable[[UUID], list[Row]]
) -> None:
    catch_up(TraceView())  # start from the head, so only this claim's events go in threes
    claim = failing_twice_then_exchanged(ledger)
    ViewRunner(ledger, [TraceView()], batch_size=3).catch_up()
    [row] = rows(claim)
    assert (row["repairs"], row["failed_repairs"], row["exchanged"]) == (2, 2, 1)
