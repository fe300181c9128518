"""The SLA view keeps the board's counts; they equal a count from scratch after every
batch, after the sweep and after a rebuild, and the board's figures equal a count of
the whole board as of any moment.

Each test has a database of its own: it compares whole tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.vocabulary import PauseReason, Team
from projections.engine.rebuild import rebuild_view
from projections.engine.registry import view_factories
from projections.engine.runner import ViewRunner
from projections.sla.sla_queries import sla_board, sla_board_page
from projections.sla.sla_sweep import sweep
from projections.sla.sla_view import SlaView

from .test_sla_support import Story, china, ledger_at, own_database

pytestmark = pytest.mark.postgres
NOW = china("2026-11-10 12:00")
TECH, LOGISTICS = Team.TECHNICAL_SUPPORT, Team.WAREHOUSE_LOGISTICS
# The kept counts as a count from scratch over the view's rows: per current owner, the
# runs breached from the hour of their due time on (open, not paused before it) and
# those stopped late while their claim is open (at any moment: NULL).
FROM_SCRATCH = """
SELECT s.team, s.assignee,
       CASE WHEN c.stopped_at IS NULL
            THEN date_bin('1 hour', c.due_at, '2000-01-01 00:00+00') END AS counts_from,
       count(*)::int AS runs
  FROM views.sla_clocks c JOIN views.sla_claims s USING (claim_id)
 WHERE (c.stopped_at > c.due_at AND s.ended_at IS NULL)
    OR (c.stopped_at IS NULL AND (c.paused_since IS NULL OR c.due_at < c.paused_since))
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
KEPT = "SELECT team, assignee, counts_from, runs FROM views.sla_board_counts ORDER BY 1, 2, 3"
# Moments around the stories' due times, and filters the console offers.
MOMENTS = [NOW + timedelta(minutes=m) for m in range(-60 * 30, 60 * 30, 97)]
FILTERS: list[dict[str, Any]] = [
    {},
    {"team": TECH},
    {"team": LOGISTICS},
    {"assignee": "li.lei"},
    {"team": TECH, "assignee": "han.mei"},
]


@pytest.fixture
def url(database_url: str) -> Iterator[str]:
    with own_database(database_url) as url:
        yield url


@pytest.fixture
def ledger(url: str) -> Iterator[ClaimsLedger]:
    ledger = ledger_at(url, NOW)
    yield ledger
    ledger.close()


def catch_up(ledger: ClaimsLedger) -> None:
    """Small batches, so a claim's events land in several of them."""
    view = SlaView(ledger.calendar, ledger.sla_targets)
    ViewRunner(ledger, [view], batch_size=3).catch_up()


def assigned(ledger: ClaimsLedger, reported: datetime, team: Team, assignee: str) -> Story:
    story = Story(ledger, reported)
    return story.do(reported + timedelta(minutes=5), Claim.assign, team=team, assignee=assignee)


def assert_counts_hold(url: str) -> list[tuple[Any, ...]]:
    """The kept counts equal a count from scratch, and every board's figures equal a count
    of the whole board; returns the kept counts."""
    with psycopg.connect(url) as conn:
        kept = conn.execute(KEPT).fetchall()
        assert kept == conn.execute(FROM_SCRATCH).fetchall()
        for now in MOMENTS:
            for filters in FILTERS:
                whole = sla_board(conn, now, **filters)
                page = sla_board_page(conn, now, limit=3, **filters)
                assert (page.total, page.breached, page.due_soon) == (
                    len(whole),
                    sum(run.state == "breached" for run in whole),
                    sum(run.state == "due_soon" for run in whole),
                ), (now, filters)
                assert page.clocks == whole[:3], (now, filters)
    return kept


def test_the_kept_counts_follow_every_event_the_sweep_and_a_rebuild(
    ledger: ClaimsLedger, url: str
) -> None:
    overdue = assigned(ledger, china("2026-11-09 09:00"), TECH, "li.lei")
    soon = assigned(ledger, china("2026-11-09 14:30"), TECH, "han.mei")
    waiting = assigned(ledger, china("2026-11-09 10:00"), LOGISTICS, "li.lei")
    paused_late = assigned(ledger, china("2026-11-08 10:00"), TECH, "li.lei")
    answered_late = assigned(ledger, china("2026-11-08 09:00"), LOGISTICS, "zhao.qiang")
    answered = assigned(ledger, china("2026-11-10 09:00"), TECH, "han.mei")
    unassigned = Story(ledger, china("2026-11-09 11:00"))
    catch_up(ledger)
    assert assert_counts_hold(url)

    # Pauses before and after the due time, a late and a timely answer, a reassignment.
    waiting.do(china("2026-11-09 11:00"), Claim.pause_sla, reason=PauseReason.WAITING_ON_CUSTOMER)
    paused_late.do(
        china("2026-11-10 08:00"), Claim.pause_sla, reason=PauseReason.WAITING_ON_CUSTOMER
    )
    answered_late.do(china("2026-11-09 15:00"), Claim.acknowledge, message="收到", promised_by=None)
    answered.do(china("2026-11-10 09:30"), Claim.acknowledge, message="收到", promised_by=None)
    overdue.do(china("2026-11-10 10:00"), Claim.assign, team=LOGISTICS, assignee="zhao.qiang")
    catch_up(ledger)
    assert_counts_hold(url)

    # A resume moves a due time; the claim answered late ends (its run leaves the board);
    # the unassigned claim is taken.
    waiting.do(china("2026-11-10 09:00"), Claim.resume_sla)
    answered_late.do(china("2026-11-10 10:00"), Claim.withdraw, reason="客户撤回")
    unassigned.do(china("2026-11-10 11:00"), Claim.assign, team=TECH, assignee="li.lei")
    soon.do(china("2026-11-10 11:30"), Claim.add_note, text="已联系")
    catch_up(ledger)
    assert_counts_hold(url)

    # The sweep records breaches and escalates: new events, the same judgements.
    with psycopg.connect(url, autocommit=True) as conn:
        assert sweep(ledger, conn, NOW).recorded
    catch_up(ledger)
    before = assert_counts_hold(url)

    rebuild_view(ledger, view_factories(ledger)["sla"])
    assert assert_counts_hold(url) == before
