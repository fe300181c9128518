"""The ledger application on a real PostgreSQL: save, load, history, as-of, idempotency."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim, ClaimStatus
from domain.errors import ClaimNotFoundError, DuplicateClaimError, LifecycleError
from domain.item_track import ItemStage
from domain.vocabulary import Cause, Priority, ProblemCategory, RepairMode

from .reports import AGENT, TECH, new_report

pytestmark = pytest.mark.postgres


def test_reported_claim_is_stored_and_loaded_back(ledger: ClaimsLedger) -> None:
    report = new_report()
    result = ledger.report(AGENT, **report)
    claim = ledger.get_claim(result.claim_id)
    assert claim.claim_number == report["claim_number"]
    # The claim keeps the customer sealed; the ledger opens it with the customer's key.
    assert claim.customer.sealed and report["customer"].name not in claim.customer.sealed
    customer_id = claim.customer.customer_id
    assert ledger.customer_of(claim) == replace(report["customer"], customer_id=customer_id)
    assert tuple(s.item for s in claim.items) == report["items"]
    assert claim.kind is report["kind"]
    assert result.version == 1 and result.position > 0


def test_commands_return_new_version_and_increasing_ledger_positions(
    ledger: ClaimsLedger,
) -> None:
    first = ledger.report(AGENT, **new_report())
    second = ledger.command(
        Claim.classify,
        first.claim_id,
        AGENT,
        problem_category=ProblemCategory.PRODUCT_FAULT,
        priority=Priority.HIGH,
    )
    assert second.version == 2
    assert second.position > first.position


def test_diagnosis_stores_the_policy_decision_with_rule_and_version(
    ledger: ClaimsLedger,
) -> None:
    result = ledger.report(AGENT, **new_report())
    ledger.command(
        Claim.diagnose,
        result.claim_id,
        TECH,
        finding="wiring fault",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
    )
    item = ledger.get_claim(result.claim_id).item(1)
    assert item.decision is not None
    assert item.decision.rule_id
    assert item.decision.policy_version == "2026.1"
    assert item.stage is ItemStage.DIAGNOSED


def test_history_lists_events_in_order_with_actor_and_both_times(ledger: ClaimsLedger) -> None:
    reported_at = datetime.now().astimezone() - timedelta(days=3)
    result = ledger.report(AGENT, **new_report(occurred_at=reported_at))
    backdated = datetime.now().astimezone() - timedelta(days=2)
    ledger.command(Claim.add_note, result.claim_id, TECH, occurred_at=backdated, text="called")
    history = ledger.history(result.claim_id)
    assert [h.event_type for h in history] == ["Reported", "NoteAdded"]
    assert [h.version for h in history] == [1, 2]
    assert history[1].actor == TECH
    assert history[1].occurred_at == backdated
    assert history[1].recorded_at > backdated + timedelta(days=1)
    assert history[1].data == {"text": "called"}


def test_claim_state_as_of_a_version_and_a_time(ledger: ClaimsLedger) -> None:
    result = ledger.report(AGENT, **new_report())
    ledger.command(
        Claim.classify,
        result.claim_id,
        AGENT,
        problem_category=ProblemCategory.PRODUCT_FAULT,
        priority=Priority.LOW,
    )
    between = ledger.history(result.claim_id)[-1].recorded_at
    ledger.command(Claim.reject, result.claim_id, AGENT, reason="not ours")
    assert ledger.get_claim(result.claim_id, version=1).status is ClaimStatus.REPORTED
    as_of = ledger.get_claim_as_of(result.claim_id, between)
    assert as_of.version == 2 and as_of.status is ClaimStatus.IN_PROGRESS
    assert ledger.get_claim(result.claim_id).status is ClaimStatus.REJECTED


def test_state_as_of_a_time_before_the_report_is_not_found(ledger: ClaimsLedger) -> None:
    result = ledger.report(AGENT, **new_report())
    with pytest.raises(ClaimNotFoundError):
        ledger.get_claim_as_of(result.claim_id, datetime(2000, 1, 1).astimezone())


def test_reporting_the_same_claim_number_twice_yields_one_claim(ledger: ClaimsLedger) -> None:
    report = new_report()
    first = ledger.report(AGENT, **report)
    again = ledger.report(AGENT, **report)
    assert again.claim_id == first.claim_id
    assert [h.event_type for h in ledger.history(first.claim_id)] == ["Reported"]


def test_the_same_client_key_twice_yields_one_claim(ledger: ClaimsLedger) -> None:
    report = new_report()
    del report["claim_number"]
    first = ledger.report(AGENT, client_key="crm-4711-retry", **report)
    again = ledger.report(AGENT, client_key="crm-4711-retry", **report)
    assert again.claim_id == first.claim_id
    assert len(ledger.history(first.claim_id)) == 1


def test_a_claim_number_reused_with_other_content_is_refused(ledger: ClaimsLedger) -> None:
    report = new_report()
    ledger.report(AGENT, **report)
    with pytest.raises(DuplicateClaimError):
        ledger.report(AGENT, **{**report, "description": "something else"})


def test_refused_command_stores_nothing(ledger: ClaimsLedger) -> None:
    result = ledger.report(AGENT, **new_report())
    with pytest.raises(LifecycleError):
        ledger.command(
            Claim.start_repair, result.claim_id, TECH, item_no=1, mode=RepairMode.ON_SITE
        )
    assert len(ledger.history(result.claim_id)) == 1
    assert ledger.recorder.max_notification_id() == result.position


def test_unknown_claim_is_not_found(ledger: ClaimsLedger) -> None:
    with pytest.raises(ClaimNotFoundError):
        ledger.get_claim_by_number("NO-SUCH-CLAIM")


def test_snapshots_reproduce_the_same_state(ledger: ClaimsLedger) -> None:
    result = ledger.report(AGENT, **new_report())
    for n in range(60):
        ledger.command(Claim.add_note, result.claim_id, AGENT, text=f"note {n}")
    ledger.command(
        Claim.diagnose,
        result.claim_id,
        TECH,
        finding="fault",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
    )
    assert ledger.snapshots is not None
    snapshot = next(ledger.snapshots.get(result.claim_id, desc=True, limit=1))
    assert snapshot.originator_version == 50
    from_snapshot = ledger.get_claim(result.claim_id)
    from_events = None
    for event in ledger.events.get(result.claim_id):
        from_events = event.mutate(from_events)
    assert from_snapshot.note_count == 60
    assert from_snapshot == from_events


def test_a_note_with_a_nul_character_is_refused_and_stores_nothing(ledger: ClaimsLedger) -> None:
    from domain.errors import InvalidInputError

    result = ledger.report(AGENT, **new_report())
    with pytest.raises(InvalidInputError) as refused:
        ledger.command(Claim.add_note, result.claim_id, AGENT, text="bad\x00text")
    assert refused.value.field == "text"
    assert len(ledger.history(result.claim_id)) == 1
