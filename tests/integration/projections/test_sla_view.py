"""The SLA view keeps every run of every clock with hand-checkable times.

Working days are 09:00–18:00 (9 h) China time; expectations are worked out in the
comments from DESIGN.md's targets and the official 2026 calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import RepairWork
from domain.vocabulary import (
    ClaimKind,
    EscalationReason,
    PauseReason,
    Priority,
    ProblemCategory,
    RepairMode,
    RepairOutcome,
)
from projections.engine.runner import ViewRunner
from projections.sla.sla_queries import SlaClock, clocks_for_claim
from projections.sla.sla_view import SlaView

from .test_sla_support import Story, china, complaint, ledger_at

pytestmark = pytest.mark.postgres
Ledgers = Callable[[datetime], ClaimsLedger]


@pytest.fixture
def ledgers(migrated_url: str) -> Iterator[Ledgers]:
    """Ledgers with a fixed clock, closed after the test."""
    opened: list[ClaimsLedger] = []

    def at(now: datetime) -> ClaimsLedger:
        opened.append(ledger_at(migrated_url, now))
        return opened[-1]

    yield at
    for ledger in opened:
        ledger.close()


@pytest.fixture
def clocks(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], migrated_url: str
) -> Callable[[Story], dict[str, SlaClock]]:
    """Catches the SLA view up and reads one claim's runs, by ``clock#run``."""

    def read(story: Story) -> dict[str, SlaClock]:
        catch_up(SlaView(ledger.calendar, ledger.sla_targets))
        with psycopg.connect(migrated_url) as conn:
            runs = clocks_for_claim(conn, story.claim_id, story.ledger.clock())
        return {run.clock_run: run for run in runs}

    return read


def test_a_report_starts_the_first_response_clock_and_acknowledging_stops_it(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]]
) -> None:
    story = Story(ledgers(china("2026-11-02 12:00")), china("2026-11-02 09:00"))
    story.do(china("2026-11-02 11:00"), Claim.acknowledge, message="收到", promised_by=None)

    run = clocks(story)["first_response#1"]

    assert run.started_at == china("2026-11-02 09:00")
    assert run.due_at == china("2026-11-03 09:00")  # 24 h of elapsed time
    assert (run.stopped_at, run.stopped_by) == (china("2026-11-02 11:00"), "Acknowledged")
    assert run.state == "met"


def test_a_working_day_clock_skips_the_national_day_holiday(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]]
) -> None:
    story = Story(ledgers(china("2026-10-12 12:00")), china("2026-09-30 09:30"))
    story.diagnose(china("2026-09-30 10:00"))

    run = clocks(story)["work_start#1"]

    # 3 working days = 27 h: Sep 30 10:00-18:00 (8 h), Oct 1-7 are the holiday,
    # Oct 8 (9 h, 17), Oct 9 (9 h, 26), then the adjusted working Saturday Oct 10: 1 h.
    assert run.due_at == china("2026-10-10 10:00")
    assert run.state == "breached"  # open, and it is Oct 12


def test_a_paused_run_keeps_its_due_time_while_paused(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]]
) -> None:
    story = Story(ledgers(china("2026-11-04 12:00")), china("2026-11-02 09:00"))
    story.diagnose(china("2026-11-02 10:00"))
    story.do(china("2026-11-03 17:00"), Claim.pause_sla, reason=PauseReason.WAITING_ON_PARTS)

    run = clocks(story)["work_start#1"]

    # 27 h from Mon Nov 2 10:00: 8 + 9 (Tue) + 9 (Wed) + 1 → Thu Nov 5 10:00.
    assert run.due_at == china("2026-11-05 10:00")
    assert run.paused_since == china("2026-11-03 17:00")
    assert run.state == "paused"


def test_resuming_pushes_the_due_time_back_by_the_working_time_paused(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]]
) -> None:
    story = Story(ledgers(china("2026-11-04 12:00")), china("2026-11-02 09:00"))
    story.diagnose(china("2026-11-02 10:00"))
    story.do(china("2026-11-03 17:00"), Claim.pause_sla, reason=PauseReason.WAITING_ON_PARTS)
    story.do(china("2026-11-04 10:00"), Claim.resume_sla)

    run = clocks(story)["work_start#1"]

    # Paused Tue 17:00 → Wed 10:00: 1 h + 1 h of working time; the night is free.
    assert run.paused_total == timedelta(hours=2)
    assert run.due_at == china("2026-11-05 12:00")
    assert run.paused_since is None and run.state == "running"


def test_a_second_repair_starts_a_second_run_of_the_repair_clock(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]]
) -> None:
    story = Story(ledgers(china("2026-11-06 12:00")), china("2026-11-02 09:00"))
    story.diagnose(china("2026-11-02 10:00"), item_no=1)
    story.do(china("2026-11-02 14:00"), Claim.start_repair, item_no=1, mode=RepairMode.MAIL_IN)
    failed = {"outcome": RepairOutcome.STILL_FAILING, "work": RepairWork()}
    story.do(china("2026-11-04 10:00"), Claim.record_repair, item_no=1, **failed)
    story.do(china("2026-11-05 09:00"), Claim.start_repair, item_no=1, mode=RepairMode.MAIL_IN)

    runs = clocks(story)

    assert [k for k in runs if k.startswith("repair")] == ["repair#1", "repair#2"]
    # 7 working days = 63 h from Mon Nov 2 14:00: 4 + 6 × 9 (Tue-Tue) + 5 → Wed Nov 11 14:00.
    assert runs["repair#1"].due_at == china("2026-11-11 14:00")
    assert runs["repair#1"].stopped_at == china("2026-11-04 10:00")
    # 63 h from Thu Nov 5 09:00: Thu, Fri, Mon-Fri → Fri Nov 13 18:00.
    assert runs["repair#2"].due_at == china("2026-11-13 18:00")
    assert runs["repair#2"].stopped_at is None


def test_only_complaints_run_the_solution_proposal_clock(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]]
) -> None:
    ledger = ledgers(china("2026-11-02 12:00"))
    grievance = complaint(ledger, china("2026-11-02 09:00"))
    repair = Story(ledger, china("2026-11-02 09:00"), kind=ClaimKind.REPAIR)
    for story, category in (
        (grievance, ProblemCategory.SERVICE_COMPLAINT),
        (repair, ProblemCategory.PRODUCT_FAULT),
    ):
        story.do(
            china("2026-11-02 10:00"),
            Claim.classify,
            problem_category=category,
            priority=Priority.NORMAL,
        )

    # 2 working days = 18 h from Mon 10:00: 8 + 9 + 1 → Wed Nov 4 10:00.
    assert clocks(grievance)["solution_proposal#1"].due_at == china("2026-11-04 10:00")
    assert "solution_proposal#1" not in clocks(repair)


def test_an_overdue_escalation_is_shown_on_the_run_it_names(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]]
) -> None:
    story = Story(ledgers(china("2026-11-04 12:00")), china("2026-11-02 09:00"))
    story.do(
        china("2026-11-04 11:00"),
        Claim.escalate,
        reason=EscalationReason.OVERDUE,
        clock_run="first_response#1",
    )

    assert clocks(story)["first_response#1"].escalated_at == china("2026-11-04 11:00")


def test_rewriting_a_run_keeps_the_breach_the_sweep_recorded(
    ledgers: Ledgers, clocks: Callable[[Story], dict[str, SlaClock]], migrated_url: str
) -> None:
    story = Story(ledgers(china("2026-11-04 12:00")), china("2026-11-02 09:00"))
    clocks(story)
    with psycopg.connect(migrated_url) as conn:
        # What the sweep writes; the sweep itself would touch other tests' claims here.
        conn.execute(
            "UPDATE views.sla_clocks SET breach_recorded_at = %s, escalation = 'off'"
            " WHERE claim_id = %s",
            (china("2026-11-04 11:00"), story.claim_id),
        )
    story.do(china("2026-11-04 11:30"), Claim.pause_sla, reason=PauseReason.WAITING_ON_CUSTOMER)

    run = clocks(story)["first_response#1"]

    assert run.paused_since == china("2026-11-04 11:30")  # the row was rewritten
    assert (run.breach_recorded_at, run.escalation) == (china("2026-11-04 11:00"), "off")
