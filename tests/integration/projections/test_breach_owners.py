"""Every breached run counts for whoever held the claim at its due time, and is escalated once.

Every test has a database of its own (a sweep acts on every claim it sees). It is
Tue 2026-11-10 12:00; a claim reported Mon 10:00 owed its first response (24 h)
by Tue 10:00.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.vocabulary import Team
from projections.engine.runner import ViewRunner
from projections.sla.breach_owners import OwnerBreaches, breaches_by_owner
from projections.sla.sla_queries import clocks_for_claim
from projections.sla.sla_sweep import RunKey, sweep
from projections.sla.sla_view import SlaView

from .test_sla_support import Story, china, ledger_at, own_database

pytestmark = pytest.mark.postgres
NOW = china("2026-11-10 12:00")
NOVEMBER = date(2026, 11, 1)
DESK = Team.SERVICE_DESK


@pytest.fixture
def world(database_url: str) -> Iterator[tuple[ClaimsLedger, psycopg.Connection[Any]]]:
    with own_database(database_url) as url, psycopg.connect(url, autocommit=True) as conn:
        ledger = ledger_at(url, NOW)
        yield ledger, conn
        ledger.close()


def catch_up(ledger: ClaimsLedger) -> None:
    ViewRunner(ledger, [SlaView(ledger.calendar, ledger.sla_targets)]).catch_up()


def answered_late(ledger: ClaimsLedger, assignee: str = "wang") -> Story:
    """First response due Tue 10:00, given Tue 11:00: stopped late, never seen open."""
    story = Story(ledger, china("2026-11-09 10:00"))
    story.do(china("2026-11-09 11:00"), Claim.assign, team=DESK, assignee=assignee)
    story.do(china("2026-11-10 11:00"), Claim.acknowledge, message="收到", promised_by=None)
    return story


def escalations(ledger: ClaimsLedger, story: Story) -> list[str]:
    history = ledger.history(story.claim_id)
    return [h.data["clock_run"] for h in history if h.event_type == "Escalated"]


def test_a_run_that_stopped_late_before_any_sweep_is_escalated_once(world: Any) -> None:
    ledger, conn = world
    story = answered_late(ledger)
    catch_up(ledger)

    first = sweep(ledger, conn, NOW)
    catch_up(ledger)
    again = sweep(ledger, conn, NOW)

    key = RunKey(story.claim_id, "first_response", 1)
    assert first.recorded == first.escalated == [key]
    assert again.recorded == again.escalated == []
    assert escalations(ledger, story) == ["first_response#1"]


def test_a_late_run_of_an_ended_claim_is_recorded_but_not_escalated(world: Any) -> None:
    ledger, conn = world
    story = answered_late(ledger)
    story.do(china("2026-11-10 11:30"), Claim.withdraw, reason="客户撤回")
    catch_up(ledger)

    result = sweep(ledger, conn, NOW)

    key = RunKey(story.claim_id, "first_response", 1)
    assert result.recorded == result.claim_ended == [key] and result.escalated == []
    assert escalations(ledger, story) == []


def test_a_late_stopped_run_counts_for_its_assignee_without_any_sweep(world: Any) -> None:
    ledger, conn = world
    answered_late(ledger, assignee="wang")
    catch_up(ledger)

    assert breaches_by_owner(conn, NOVEMBER) == [OwnerBreaches(DESK.value, "wang", 1, 1, 0)]


def test_a_breach_counts_for_the_assignee_at_the_due_time_not_the_current_one(
    world: Any,
) -> None:
    ledger, conn = world
    story = Story(ledger, china("2026-11-09 10:00"))
    story.do(china("2026-11-09 11:00"), Claim.assign, team=DESK, assignee="wang")
    story.do(china("2026-11-10 10:30"), Claim.assign, team=DESK, assignee="zhao")
    story.do(china("2026-11-10 11:00"), Claim.acknowledge, message="收到", promised_by=None)
    catch_up(ledger)

    (run,) = clocks_for_claim(conn, story.claim_id, NOW)
    assert (run.assignee, run.due_assignee) == ("zhao", "wang")
    assert [(b.assignee, b.breaches) for b in breaches_by_owner(conn, NOVEMBER)] == [("wang", 1)]


def test_an_open_breach_the_sweep_recorded_counts_for_its_assignee(world: Any) -> None:
    ledger, conn = world
    story = Story(ledger, china("2026-11-09 10:00"))
    story.do(china("2026-11-09 11:00"), Claim.assign, team=DESK, assignee="wang")
    catch_up(ledger)
    assert breaches_by_owner(conn, NOVEMBER) == []  # open and not recorded yet

    sweep(ledger, conn, NOW)
    catch_up(ledger)

    assert breaches_by_owner(conn, NOVEMBER) == [OwnerBreaches(DESK.value, "wang", 1, 0, 1)]
