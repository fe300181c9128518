"""Pausing needs a running SLA clock; the claim knows which run from its own events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import BusinessCalendar
from domain.errors import LifecycleError
from domain.sla import DEFAULT_CLOCKS, SlaEvent, compute_clocks
from domain.sla.running import clocks_after
from domain.vocabulary import ClaimKind, PauseReason, RepairMode

from .factories import AGENT, T0, TECH, at, diagnosed, repaired, reported

EVENT_NAMES = sorted(
    {name for clock in DEFAULT_CLOCKS for name in clock.starts | clock.stops}
    | {"SlaPaused", "SlaResumed", "Closed", "Reopened", "NoteAdded"}
)


@given(
    kind=st.sampled_from(ClaimKind),
    names=st.lists(st.sampled_from(EVENT_NAMES), max_size=20),
)
def test_the_running_clocks_are_the_open_runs_the_sla_computes(
    kind: ClaimKind, names: list[str]
) -> None:
    events = [SlaEvent("Reported", T0)] + [
        SlaEvent(name, T0 + timedelta(minutes=i + 1)) for i, name in enumerate(names)
    ]
    running: list[str] = []
    for event in events:
        running = clocks_after(running, event.name, kind)
    runs = compute_clocks(events, kind, BusinessCalendar(), T0 + timedelta(hours=1))
    assert set(running) == {run.clock for run in runs if run.stopped_at is None}


def test_a_new_claim_runs_the_first_response_clock_and_may_pause_it() -> None:
    claim = reported()
    assert claim.sla_running == ["first_response"]
    claim.pause_sla(AGENT, at(1), PauseReason.WAITING_ON_CUSTOMER)
    assert claim.sla_paused


def test_pausing_with_no_clock_running_is_refused_and_stores_nothing() -> None:
    claim = reported()
    claim.acknowledge(AGENT, at(1), "received", None)  # stops the only running clock
    assert claim.sla_running == []
    with pytest.raises(LifecycleError, match="no SLA clock is running"):
        claim.pause_sla(AGENT, at(2), PauseReason.WAITING_ON_CUSTOMER)
    assert not claim.sla_paused


def test_a_repair_runs_its_clock_until_it_is_recorded() -> None:
    claim = diagnosed()
    claim.acknowledge(AGENT, at(2.5), "received", None)
    claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    assert claim.sla_running == ["repair"]
    assert repaired().sla_running == ["first_response"]  # never acknowledged


def test_resuming_needs_a_pause() -> None:
    with pytest.raises(LifecycleError, match="not paused"):
        reported().resume_sla(AGENT, at(1))
