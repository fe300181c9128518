"""The SLA board lists the runs a supervisor must act on, judged as of a moment.

Each test assigns its claims to an assignee of its own and reads the board for
that assignee, so claims other tests left in the shared database stay out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.vocabulary import PauseReason, Team
from projections.engine.runner import ViewRunner
from projections.sla.sla_queries import sla_board, sla_board_page
from projections.sla.sla_view import SlaView

from .test_sla_support import Story, china, ledger_at

pytestmark = pytest.mark.postgres
NOW = china("2026-11-10 12:00")


@pytest.fixture
def fixed(migrated_url: str) -> Iterator[ClaimsLedger]:
    ledger = ledger_at(migrated_url, NOW)
    yield ledger
    ledger.close()


@pytest.fixture
def assignee() -> str:
    return f"tech-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def new_claim(fixed: ClaimsLedger, assignee: str) -> Callable[..., Story]:
    """A claim reported at a moment, assigned to this test's assignee."""

    def report(reported: datetime, team: Team = Team.TECHNICAL_SUPPORT) -> Story:
        story = Story(fixed, reported)
        return story.do(reported, Claim.assign, team=team, assignee=assignee)

    return report


@pytest.fixture
def board(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], migrated_url: str, assignee: str
) -> Callable[..., list[tuple[str, str, str]]]:
    """Catches up and reads the board as (claim number, clock#run, state)."""

    def read(**filters: object) -> list[tuple[str, str, str]]:
        catch_up(SlaView(ledger.calendar, ledger.sla_targets))
        filters.setdefault("assignee", assignee)
        with psycopg.connect(migrated_url) as conn:
            runs = sla_board(conn, NOW, **filters)  # type: ignore[arg-type]
        return [(run.claim_number, run.clock_run, run.state) for run in runs]

    return read


def test_the_board_lists_breached_and_due_soon_runs_earliest_due_first(
    new_claim: Callable[..., Story], board: Callable[..., list[tuple[str, str, str]]]
) -> None:
    late = new_claim(china("2026-11-09 10:00"))  # first response due Nov 10 10:00
    soon = new_claim(china("2026-11-09 14:00"))  # due 14:00, within the 4 h window
    new_claim(china("2026-11-10 11:00"))  # due tomorrow: just running
    answered = new_claim(china("2026-11-09 09:00"))
    answered.do(china("2026-11-09 10:00"), Claim.acknowledge, message="收到", promised_by=None)

    assert board() == [
        (late.claim_number, "first_response#1", "breached"),
        (soon.claim_number, "first_response#1", "due_soon"),
    ]


def test_the_due_soon_window_is_the_callers_choice(
    new_claim: Callable[..., Story], board: Callable[..., list[tuple[str, str, str]]]
) -> None:
    soon = new_claim(china("2026-11-09 14:00"))  # due in 2 h

    assert board(due_soon=timedelta(hours=1)) == []
    assert board(due_soon=timedelta(hours=2)) == [
        (soon.claim_number, "first_response#1", "due_soon")
    ]


def test_the_board_can_be_narrowed_to_one_team(
    new_claim: Callable[..., Story], board: Callable[..., list[tuple[str, str, str]]]
) -> None:
    new_claim(china("2026-11-09 10:00"), Team.TECHNICAL_SUPPORT)
    logistics = new_claim(china("2026-11-09 10:00"), Team.WAREHOUSE_LOGISTICS)

    assert board(team=Team.WAREHOUSE_LOGISTICS) == [
        (logistics.claim_number, "first_response#1", "breached")
    ]


def test_a_run_paused_before_its_due_time_is_off_the_board(
    new_claim: Callable[..., Story], board: Callable[..., list[tuple[str, str, str]]]
) -> None:
    story = new_claim(china("2026-11-09 10:00"))
    story.do(china("2026-11-09 11:00"), Claim.pause_sla, reason=PauseReason.WAITING_ON_CUSTOMER)

    assert board() == []


def test_a_run_paused_after_its_due_time_stays_breached(
    new_claim: Callable[..., Story], board: Callable[..., list[tuple[str, str, str]]]
) -> None:
    story = new_claim(china("2026-11-09 10:00"))
    story.do(china("2026-11-10 11:00"), Claim.pause_sla, reason=PauseReason.WAITING_ON_CUSTOMER)

    assert board() == [(story.claim_number, "first_response#1", "breached")]


def test_a_run_stopped_late_stays_on_the_board_until_the_claim_ends(
    new_claim: Callable[..., Story], board: Callable[..., list[tuple[str, str, str]]]
) -> None:
    story = new_claim(china("2026-11-08 09:00"))
    story.do(china("2026-11-09 10:00"), Claim.acknowledge, message="收到", promised_by=None)
    assert board() == [(story.claim_number, "first_response#1", "breached")]

    story.do(china("2026-11-10 11:00"), Claim.withdraw, reason="客户撤回")
    assert board() == []


def test_a_board_page_holds_the_earliest_runs_and_counts_the_whole_board(
    new_claim: Callable[..., Story],
    board: Callable[..., list[tuple[str, str, str]]],
    migrated_url: str,
    assignee: str,
) -> None:
    late = new_claim(china("2026-11-09 10:00"))  # due Nov 10 10:00: breached
    later = new_claim(china("2026-11-09 11:00"))  # due 11:00: breached
    new_claim(china("2026-11-09 14:00"))  # due 14:00: due soon
    whole = board()

    with psycopg.connect(migrated_url) as conn:
        page = sla_board_page(conn, NOW, limit=2, assignee=assignee)
        empty = sla_board_page(conn, NOW, limit=2, assignee=f"{assignee}-nobody")

    assert [(run.claim_number, run.clock_run, run.state) for run in page.clocks] == [
        (late.claim_number, "first_response#1", "breached"),
        (later.claim_number, "first_response#1", "breached"),
    ]
    assert [(c.claim_number, c.clock_run, c.state) for c in page.clocks] == whole[:2]
    assert (page.total, page.breached, page.due_soon) == (3, 2, 1)
    assert (empty.clocks, empty.total, empty.breached, empty.due_soon) == ([], 0, 0, 0)
