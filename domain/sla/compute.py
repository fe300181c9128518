"""Replay a claim's events into SLA clock runs; pure, ``now`` is an argument."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.calendar import BusinessCalendar
from domain.errors import InvalidInputError
from domain.sla.clocks import (
    DEFAULT_CLOCKS,
    PAUSED,
    RESUMED,
    TERMINAL_EVENTS,
    ClockDefinition,
    SlaEvent,
    SlaTargets,
)
from domain.sla.runs import ClockRun, ClockState
from domain.vocabulary import ClaimKind


def compute_clocks(
    events: Iterable[SlaEvent],
    kind: ClaimKind,
    calendar: BusinessCalendar,
    now: datetime,
    clocks: SlaTargets = DEFAULT_CLOCKS,
    due_soon: timedelta = timedelta(hours=4),
) -> list[ClockRun]:
    """Every run of every clock that applies to ``kind``, judged as of ``now``.

    ``events`` are taken in ledger order with their business time. A start event
    begins a new run only when the clock is not running; a stop event ends a
    running one. SlaPaused pauses the runs open at that moment, SlaResumed resumes
    them; Closed, Rejected and Withdrawn end every open run. Each of those control
    events is then matched against the clocks' own start and stop events like any
    other. Runs are returned in the order they started.
    """
    now = calendar.local(now, "now")
    if due_soon < timedelta(0):
        raise InvalidInputError("due_soon", f"must not be negative, not {due_soon}")
    names = [clock.name for clock in clocks]
    if len(set(names)) != len(names):
        raise InvalidInputError("clocks", f"clock names must be unique: {names}")
    applicable = [clock for clock in clocks if clock.applies_to(kind)]
    runs: list[_Run] = []
    open_runs: dict[str, _Run] = {}
    for event in events:
        at = calendar.local(event.occurred_at, f"{event.name}.occurred_at")
        if event.name in TERMINAL_EVENTS:
            for run in open_runs.values():
                run.stop(at, event.name, calendar)
            open_runs.clear()
        elif event.name == PAUSED:
            for run in open_runs.values():
                run.pause(at)
        elif event.name == RESUMED:
            for run in open_runs.values():
                run.resume(at, calendar)
        for clock in applicable:
            current = open_runs.get(clock.name)
            if current is not None and event.name in clock.stops:
                current.stop(at, event.name, calendar)
                del open_runs[clock.name]
            elif current is None and event.name in clock.starts:
                number = 1 + sum(run.clock.name == clock.name for run in runs)
                open_runs[clock.name] = _Run(clock, number, at)
                runs.append(open_runs[clock.name])
    return [run.judge(now, due_soon, calendar) for run in runs]


@dataclass
class _Run:
    """A run being replayed; mutable only while ``compute_clocks`` walks the events."""

    clock: ClockDefinition
    number: int
    started_at: datetime
    paused_total: timedelta = field(default_factory=timedelta)
    paused_since: datetime | None = None
    stopped_at: datetime | None = None
    stopped_by: str | None = None

    def pause(self, at: datetime) -> None:
        # A second pause while paused keeps the first: the clock stopped back then.
        if self.paused_since is None:
            self.paused_since = at

    def resume(self, at: datetime, calendar: BusinessCalendar) -> None:
        if self.paused_since is not None:
            self.paused_total += self.clock.paused_time(self.paused_since, at, calendar)
            self.paused_since = None

    def stop(self, at: datetime, by: str, calendar: BusinessCalendar) -> None:
        # Stopping a paused run closes the pause first, so the pause still counts.
        self.resume(at, calendar)
        self.stopped_at, self.stopped_by = at, by

    def judge(self, now: datetime, due_soon: timedelta, calendar: BusinessCalendar) -> ClockRun:
        paused_total = self.paused_total
        if self.paused_since is not None:
            # An open pause extends the due time up to now, so a paused clock does not
            # drift into breach while nobody can act on it.
            paused_total += self.clock.paused_time(self.paused_since, now, calendar)
        due_at = self.clock.due(self.started_at, paused_total, calendar)
        state: ClockState
        if self.stopped_at is not None:
            state = "met" if self.stopped_at <= due_at else "breached"
        elif now > due_at:
            state = "breached"
        else:
            state = "due_soon" if due_at - now <= due_soon else "running"
        return ClockRun(
            clock=self.clock.name,
            run=self.number,
            started_at=self.started_at,
            due_at=due_at,
            paused_total=paused_total,
            paused_since=self.paused_since,
            stopped_at=self.stopped_at,
            stopped_by=self.stopped_by,
            state=state,
            breached_at=due_at if state == "breached" else None,
        )
