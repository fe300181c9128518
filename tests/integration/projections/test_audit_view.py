"""The audit trail keeps one row per event, with actor, times, a summary and no personal data."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimCommand, ClaimsLedger
from domain.claim import Claim
from domain.values import Actor, Evidence, Item, Purchase, QuoteLine, RepairWork
from domain.vocabulary import (
    Cause,
    ClaimKind,
    EscalationReason,
    InspectionResult,
    PauseReason,
    Priority,
    ProblemCategory,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
    Team,
)
from projections.audit.audit_queries import AuditRow, search_audit
from projections.audit.audit_view import AuditTrailView
from projections.engine.runner import ViewRunner
from tests.support.business_day import business_today

from ..reports import AGENT, TECH, new_report

pytestmark = pytest.mark.postgres

WAREHOUSE = Actor("warehouse-7", Role.WAREHOUSE)


def lamp(serial: str) -> Item:
    return Item(model="XD-450", category="lighting", serial_no=serial, price=Decimal("399.00"))


def bought(days_ago: int) -> Purchase:
    day = business_today() - timedelta(days=days_ago)
    return Purchase(purchased_on=day, delivered_on=day, payment_method="alipay")


def paid_repair_reopened(ledger: ClaimsLedger) -> UUID:
    """A misuse claim through quote, declined and accepted quotes, repair, survey, close, reopen."""
    claim = ledger.report(AGENT, **new_report(items=(lamp(f"A-{uuid.uuid4().hex[:8]}"),))).claim_id

    def do(method: ClaimCommand, actor: Actor = AGENT, **kwargs: Any) -> None:
        ledger.command(method, claim, actor, **kwargs)

    do(Claim.classify, problem_category=ProblemCategory.PRODUCT_FAULT, priority=Priority.HIGH)
    do(Claim.assign, team=Team.TECHNICAL_SUPPORT, assignee="tech-7")
    do(Claim.acknowledge, message="收到", promised_by=business_today() + timedelta(days=3))
    ledger.command(Claim.diagnose, claim, TECH, finding="外壳摔裂", cause=Cause.MISUSE, item_no=1)
    lines = (QuoteLine("灯罩", Decimal("50.00")), QuoteLine("人工", Decimal("30.00")))
    do(Claim.quote, TECH, item_no=1, lines=lines)
    do(Claim.decline_quote, item_no=1, reason="太贵")
    do(Claim.quote, TECH, item_no=1, lines=lines[:1])
    do(Claim.accept_quote, item_no=1)
    do(
        Claim.schedule_repair,
        TECH,
        item_no=1,
        mode=RepairMode.ON_SITE,
        scheduled_for=datetime.now().astimezone() + timedelta(days=1),
    )
    do(Claim.start_repair, TECH, item_no=1, mode=RepairMode.ON_SITE)
    do(Claim.pause_sla, reason=PauseReason.WAITING_ON_PARTS)
    do(Claim.resume_sla)
    work = RepairWork(parts=("灯罩",), labour_hours=Decimal("1.5"), cost=Decimal("50.00"))
    do(Claim.record_repair, TECH, item_no=1, outcome=RepairOutcome.FIXED, work=work)
    do(Claim.escalate, reason=EscalationReason.CUSTOMER_DISSATISFIED)
    do(Claim.confirm, note="客户确认")
    do(Claim.follow_up, outcome="回访满意")
    do(Claim.survey, score=4, comment="不错")
    do(Claim.close, reason="有偿维修完成")
    do(Claim.reopen, reason="再次故障")
    do(Claim.add_note, text="客户来电\n询问进度")
    do(Claim.attach_evidence, evidence=Evidence("ab" * 32, "image/jpeg", "照片"))
    return claim


def refunded_and_exchanged(ledger: ClaimsLedger) -> UUID:
    """Two items bought 3 days ago: one returned and refunded, one exchanged."""
    items = (lamp(f"R-{uuid.uuid4().hex[:8]}"), lamp(f"E-{uuid.uuid4().hex[:8]}"))
    report = new_report(items=items, purchase=bought(3), kind=ClaimKind.RETURN)
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
    ledger.command(
        Claim.diagnose,
        claim,
        TECH,
        finding="闪烁",
        cause=Cause.QUALITY_DEFECT,
        item_no=2,
        remedy=Remedy.EXCHANGE,
    )
    inspection = InspectionResult.AS_DESCRIBED
    ledger.command(Claim.receive_return, claim, WAREHOUSE, item_no=1, inspection=inspection)
    ledger.command(
        Claim.refund,
        claim,
        AGENT,
        item_no=1,
        amount=Decimal("399.00"),
        deductions=(),
        route="alipay",
    )
    ledger.command(
        Claim.ship_replacement, claim, WAREHOUSE, item_no=2, serial_no="NEW-1", batch_no="B"
    )
    return claim


def ended(ledger: ClaimsLedger, method: ClaimCommand) -> UUID:
    claim = ledger.report(AGENT, **new_report()).claim_id
    ledger.command(
        method, claim, AGENT, reason="客户撤回" if method is Claim.withdraw else "不符合"
    )
    return claim


@pytest.fixture(scope="module")
def stories(migrated_url: str) -> Iterator[dict[str, UUID]]:
    """Claims that between them record every event type, caught up into the audit trail."""
    ledger = ClaimsLedger(env=eventsourcing_env(migrated_url, pool_size=2))
    claims = {
        "repair": paid_repair_reopened(ledger),
        "refund": refunded_and_exchanged(ledger),
        "rejected": ended(ledger, Claim.reject),
        "withdrawn": ended(ledger, Claim.withdraw),
    }
    ViewRunner(ledger, [AuditTrailView()]).catch_up()
    yield claims
    ledger.close()


@pytest.fixture
def trail(migrated_url: str) -> Iterator[Callable[[UUID], list[AuditRow]]]:
    with psycopg.connect(migrated_url) as conn:
        yield lambda claim: search_audit(conn, claim_id=claim, limit=1000)


EXPECTED_SUMMARIES = [
    ("repair", "Classified", "Classified product_fault, priority high"),
    ("repair", "Assigned", "Assigned to tech-7 (technical_support)"),
    ("repair", "Diagnosed", "Diagnosed item 1: misuse → repair, paid (rule misuse-not-covered, "),
    ("repair", "Quoted", "Quoted item 1: 80.00 (2 line(s))"),
    ("repair", "QuoteDeclined", "Quote for item 1 declined: 太贵"),
    ("repair", "QuoteAccepted", "Quote for item 1 accepted"),
    ("repair", "RepairScheduled", "Repair of item 1 scheduled (on_site) for "),
    ("repair", "RepairStarted", "Repair of item 1 started (on_site)"),
    ("repair", "SlaPaused", "SLA paused: waiting_on_parts"),
    ("repair", "SlaResumed", "SLA resumed"),
    ("repair", "Repaired", "Repaired item 1: fixed, parts 灯罩, 1.5 h, cost 50.00"),
    ("repair", "Escalated", "Escalated to level 1: customer_dissatisfied"),
    ("repair", "CustomerConfirmed", "Customer confirmed the resolution"),
    ("repair", "FollowedUp", "Followed up: 回访满意"),
    ("repair", "Surveyed", "Surveyed: 4/5"),
    ("repair", "Closed", "Closed: 有偿维修完成"),
    ("repair", "Reopened", "Reopened: 再次故障"),
    ("repair", "NoteAdded", "Note added: 客户来电 询问进度"),
    ("repair", "EvidenceAttached", "Evidence attached: image/jpeg sha256 abababababab"),
    ("refund", "Diagnosed", "Diagnosed item 1: quality_defect → return (rule quality-return-7d, "),
    ("refund", "ReturnReceived", "Return of item 1 received: as_described"),
    ("refund", "Refunded", "Refunded item 1: 399.00 via alipay"),
    ("refund", "ReplacementShipped", "Replacement for item 2 shipped: serial NEW-1, batch B"),
    ("rejected", "Rejected", "Rejected: 不符合"),
    ("withdrawn", "Withdrawn", "Withdrawn: 客户撤回"),
]


@pytest.mark.parametrize(("story", "event_type", "expected"), EXPECTED_SUMMARIES)
def test_each_event_type_gets_a_readable_one_line_summary(
    stories: dict[str, UUID], trail: Callable[[UUID], list[AuditRow]], story: str,
    event_type: str, expected: str,
) -> None:  # fmt: skip
    summaries = [r.summary for r in trail(stories[story]) if r.event_type == event_type]
    assert summaries and summaries[0].startswith(expected)
    assert "\n" not in summaries[0]


def test_a_report_summary_names_claim_kind_channel_region_and_items(
    stories: dict[str, UUID], trail: Callable[[UUID], list[AuditRow]]
) -> None:
    first = trail(stories["refund"])[0]
    assert first.summary.startswith(
        f"Reported return claim {first.claim_number} by phone from 广东"
    )
    assert "2 item(s) (XD-450 R-" in first.summary


def test_every_event_has_one_row_with_the_ledger_actor_role_and_both_times(
    stories: dict[str, UUID], trail: Callable[[UUID], list[AuditRow]], migrated_url: str
) -> None:
    ledger = ClaimsLedger(env=eventsourcing_env(migrated_url, pool_size=1))
    try:
        history = ledger.history(stories["repair"])
    finally:
        ledger.close()
    rows = trail(stories["repair"])
    assert [(r.version, r.event_type) for r in rows] == [(h.version, h.event_type) for h in history]
    assert [(r.actor, r.role, r.occurred_at, r.recorded_at) for r in rows] == [
        (h.actor.user_id, h.actor.role.value, h.occurred_at, h.recorded_at) for h in history
    ]


def test_rows_follow_ledger_positions_and_name_the_claim(
    stories: dict[str, UUID], trail: Callable[[UUID], list[AuditRow]]
) -> None:
    rows = trail(stories["repair"])
    assert [r.position for r in rows] == sorted({r.position for r in rows})
    assert {r.claim_number for r in rows} == {rows[0].payload["claim_number"]}


def test_the_report_payload_keeps_the_region_but_no_name_phone_or_email(
    stories: dict[str, UUID], trail: Callable[[UUID], list[AuditRow]]
) -> None:
    reported = trail(stories["repair"])[0]
    assert reported.payload["customer"] == {"region": "广东"}
    text = json.dumps(reported.payload, ensure_ascii=False) + reported.summary
    assert "刘洋" not in text and "13800138000" not in text


def test_payload_amounts_stay_exact_and_enums_are_their_values(
    stories: dict[str, UUID], trail: Callable[[UUID], list[AuditRow]]
) -> None:
    refunded = next(r for r in trail(stories["refund"]) if r.event_type == "Refunded")
    assert refunded.payload == {
        "item_no": 1, "amount": "399.00", "deductions": [], "route": "alipay",
        "override_reason": "",
    }  # fmt: skip
    diagnosed = next(r for r in trail(stories["refund"]) if r.event_type == "Diagnosed")
    assert diagnosed.payload["cause"] == "quality_defect"
    assert diagnosed.payload["decision"]["policy_version"] == "2026.1"


def test_small_batches_write_each_event_once_with_its_claim_number(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], migrated_url: str
) -> None:
    catch_up(AuditTrailView())  # start from the head, so only this claim's events go in threes
    claim = paid_repair_reopened(ledger)
    ViewRunner(ledger, [AuditTrailView()], batch_size=3).catch_up()
    with psycopg.connect(migrated_url) as conn:
        rows = search_audit(conn, claim_id=claim, limit=1000)
    assert [r.version for r in rows] == list(range(1, 23))
    assert len({r.claim_number for r in rows}) == 1
