"""Helpers to write a claim's SLA events as a short timeline in Shanghai time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.calendar import BusinessCalendar
from domain.sla import ClockRun, SlaEvent, SlaTargets, compute_clocks
from domain.sla.clocks import DEFAULT_CLOCKS
from domain.vocabulary import ClaimKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = BusinessCalendar()


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def ev(name: str, when: datetime) -> SlaEvent:
    return SlaEvent(name, when)


def clocks(
    *events: SlaEvent,
    now: datetime,
    kind: ClaimKind = ClaimKind.REPAIR,
    calendar: BusinessCalendar = CALENDAR,
    definitions: SlaTargets = DEFAULT_CLOCKS,
) -> list[ClockRun]:
    return compute_clocks(events, kind, calendar, now, clocks=definitions)


def only(runs: list[ClockRun], clock: str) -> ClockRun:
    """The single run of ``clock``; fails if there are none or several."""
    (run,) = [run for run in runs if run.clock == clock]
    return run
