"""The breach sweep records breaches no event announced and escalates each run once.

Every test has a database of its own: a sweep acts on every claim it can see.
It is Tue 2026-11-10 12:00; a claim reported Mon 10:00 missed its first response
(24 h) at Tue 10:00.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.vocabulary import EscalationReason, PauseReason, Role
from projections.engine.runner import ViewRunner
from projections.sla import sla_sweep
from projections.sla.sla_queries import SlaClock, breaches, clocks_for_claim
from projections.sla.sla_sweep import RunKey, run_sweeper, sweep
from projections.sla.sla_view import SlaView

from .test_sla_support import Story, china, ledger_at, own_database

pytestmark = pytest.mark.postgres
NOW = china("2026-11-10 12:00")


class Crash(Exception):
    """Stands for the process dying at that point."""


@dataclass
class World:
    ledger: ClaimsLedger
    conn: psycopg.Connection[Any]

    def catch_up(self) -> None:
        ViewRunner(self.ledger, [SlaView(self.ledger.calendar, self.ledger.sla_targets)]).catch_up()

    def overdue_claim(self) -> tuple[Story, RunKey]:
        """A claim whose first response is two hours overdue, projected."""
        story = Story(self.ledger, china("2026-11-09 10:00"))
        self.catch_up()
        return story, RunKey(story.claim_id, "first_response", 1)

    def run(self, story: Story) -> SlaClock:
        (run,) = clocks_for_claim(self.conn, story.claim_id, NOW)  # its first response
        return run

    def overdue_escalations(self, story: Story) -> list[dict[str, Any]]:
        history = self.ledger.history(story.claim_id)
        return [
            {"clock_run": h.data["clock_run"], "reason": h.data["reason"], "actor": h.actor}
            for h in history
            if h.event_type == "Escalated"
        ]


@pytest.fixture
def url(database_url: str) -> Iterator[str]:
    with own_database(database_url) as url:
        yield url


@pytest.fixture
def world(url: str) -> Iterator[World]:
    with psycopg.connect(url, autocommit=True) as conn:
        ledger = ledger_at(url, NOW)
        yield World(ledger, conn)
        ledger.close()


def test_the_sweep_records_a_breach_without_any_new_event(world: World) -> None:
    story, key = world.overdue_claim()
    events = len(world.ledger.history(story.claim_id))

    result = sweep(world.ledger, world.conn, NOW, escalate=False)

    assert result.recorded == [key]
    assert world.run(story).breach_recorded_at == NOW
    assert len(world.ledger.history(story.claim_id)) == events


def test_the_sweep_escalates_a_breached_run_naming_the_run(world: World) -> None:
    story, key = world.overdue_claim()

    result = sweep(world.ledger, world.conn, NOW)

    assert result.escalated == [key]
    (escalation,) = world.overdue_escalations(story)
    assert escalation["clock_run"] == "first_response#1"
    assert escalation["reason"] is EscalationReason.OVERDUE
    assert escalation["actor"].role is Role.SYSTEM
    assert world.run(story).escalation == "escalated"


def test_sweeping_again_does_not_escalate_again(world: World) -> None:
    story, _ = world.overdue_claim()
    sweep(world.ledger, world.conn, NOW)
    world.catch_up()  # the Escalated event reaches the view; the run stays breached

    again = sweep(world.ledger, world.conn, NOW)

    assert again.recorded == again.escalated == again.already_escalated == []
    assert len(world.overdue_escalations(story)) == 1


def test_a_sweep_that_crashed_after_recording_escalates_on_the_next_run(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    story, key = world.overdue_claim()
    with monkeypatch.context() as patched:
        patched.setattr(sla_sweep, "_escalate_pending", _crash)
        with pytest.raises(Crash):
            sweep(world.ledger, world.conn, NOW)
    assert world.run(story).escalation == "pending"
    assert world.overdue_escalations(story) == []

    result = sweep(world.ledger, world.conn, NOW)

    assert result.recorded == [] and result.escalated == [key]
    assert len(world.overdue_escalations(story)) == 1


def test_a_sweep_that_crashed_after_escalating_does_not_escalate_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    story, key = world.overdue_claim()
    escalate = sla_sweep._escalate

    def escalate_then_crash(*args: Any) -> str:
        escalate(*args)
        raise Crash  # the ledger committed; marking the row did not happen

    with monkeypatch.context() as patched:
        patched.setattr(sla_sweep, "_escalate", escalate_then_crash)
        with pytest.raises(Crash):
            sweep(world.ledger, world.conn, NOW)

    result = sweep(world.ledger, world.conn, NOW)

    assert result.already_escalated == [key] and result.escalated == []
    assert len(world.overdue_escalations(story)) == 1
    assert world.run(story).escalation == "already_escalated"


def test_a_claim_that_ended_before_its_escalation_is_not_escalated(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    story, key = world.overdue_claim()
    with monkeypatch.context() as patched:
        patched.setattr(sla_sweep, "_escalate_pending", _crash)
        with pytest.raises(Crash):
            sweep(world.ledger, world.conn, NOW)
    story.do(china("2026-11-10 11:30"), Claim.withdraw, reason="客户撤回")

    result = sweep(world.ledger, world.conn, NOW)

    assert result.claim_ended == [key]
    assert world.overdue_escalations(story) == []


def test_each_step_commits_on_a_connection_that_is_not_autocommit(world: World, url: str) -> None:
    story, key = world.overdue_claim()

    with psycopg.connect(url) as conn:
        assert sweep(world.ledger, conn, NOW).escalated == [key]
        # Committed already, not when the connection closes: another one sees it.
        assert world.run(story).escalation == "escalated"


def test_the_sweep_refuses_a_connection_inside_a_transaction(world: World, url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("SELECT 1")
        with pytest.raises(ValueError, match="inside a transaction"):
            sweep(world.ledger, conn, NOW)


def test_escalation_can_be_switched_off(world: World) -> None:
    story, key = world.overdue_claim()

    result = sweep(world.ledger, world.conn, NOW, escalate=False)

    assert result.recorded == [key] and result.escalated == []
    assert world.run(story).escalation == "off"
    assert world.overdue_escalations(story) == []


def test_the_sweep_leaves_a_run_the_ledger_stopped_before_the_view_saw_it(world: World) -> None:
    story, key = world.overdue_claim()
    # Met in time (due 10:00); the view has not applied it and still shows the run open.
    story.do(china("2026-11-10 09:30"), Claim.acknowledge, message="收到", promised_by=None)

    result = sweep(world.ledger, world.conn, NOW)

    assert result.unconfirmed == [key] and result.recorded == []
    assert world.overdue_escalations(story) == []


def test_a_run_paused_before_its_due_time_is_not_swept(world: World) -> None:
    story = Story(world.ledger, china("2026-11-09 10:00"))
    story.do(china("2026-11-09 11:00"), Claim.pause_sla, reason=PauseReason.WAITING_ON_PARTS)
    world.catch_up()

    result = sweep(world.ledger, world.conn, NOW)

    assert result.recorded == [] and result.unconfirmed == []


def test_an_escalation_shows_on_its_run_once_projected(world: World) -> None:
    story, _ = world.overdue_claim()
    sweep(world.ledger, world.conn, NOW)

    world.catch_up()

    assert world.run(story).escalated_at == NOW  # the ledger's (fixed) clock


def test_breaches_are_the_recorded_ones_and_the_runs_stopped_late(world: World) -> None:
    open_late, _ = world.overdue_claim()
    answered_late = Story(world.ledger, china("2026-11-08 09:00"))
    answered_late.do(china("2026-11-09 10:00"), Claim.acknowledge, message="收到", promised_by=None)
    Story(world.ledger, china("2026-11-10 11:00"))  # on time so far
    world.catch_up()
    assert [b.claim_number for b in breaches(world.conn, now=NOW)] == [answered_late.claim_number]

    sweep(world.ledger, world.conn, NOW, escalate=False)

    found = breaches(world.conn, now=NOW)
    assert [b.claim_number for b in found] == [answered_late.claim_number, open_late.claim_number]
    assert [b.state for b in found] == ["breached", "breached"]


def test_breaches_since_a_moment_leave_out_earlier_ones(world: World) -> None:
    world.overdue_claim()
    sweep(world.ledger, world.conn, NOW, escalate=False)

    assert breaches(world.conn, since=china("2026-11-10 10:00:01"), now=NOW) == []
    assert len(breaches(world.conn, since=china("2026-11-10 10:00"), now=NOW)) == 1


def test_the_sweeper_sweeps_until_it_is_stopped(world: World) -> None:
    story, _ = world.overdue_claim()
    stop = threading.Event()
    sweeper = threading.Thread(target=run_sweeper, args=(world.ledger, 0.05, stop))
    sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while world.run(story).escalation != "escalated" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        sweeper.join(timeout=10)

    assert not sweeper.is_alive()
    assert len(world.overdue_escalations(story)) == 1


def _crash(*args: Any) -> None:
    raise Crash
