"""What the SLA measures: the clock definitions and the events that drive them.

The default targets are DESIGN.md's table. A service configures other targets by
passing its own ``SlaTargets`` (e.g. ``dataclasses.replace`` on a default clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.calendar import BusinessCalendar
from domain.errors import InvalidInputError
from domain.vocabulary import ClaimKind

# Events with an effect on every running clock, whatever the clock definitions say.
PAUSED = "SlaPaused"
RESUMED = "SlaResumed"
TERMINAL_EVENTS = frozenset({"Closed", "Rejected", "Withdrawn"})


@dataclass(frozen=True)
class SlaEvent:
    """One claim event as the SLA sees it: its class name and its business time."""

    name: str
    occurred_at: datetime


@dataclass(frozen=True)
class ClockDefinition:
    """One SLA clock: the events that start and stop it, and its target.

    Give exactly one of ``target`` (elapsed time) or ``working_days`` (working time
    on the business calendar). ``kinds`` limits the clock to those claim kinds;
    ``None`` means every kind. Raises ``InvalidInputError`` for a definition that
    cannot be measured.
    """

    name: str
    starts: frozenset[str]
    stops: frozenset[str]
    target: timedelta | None = None
    working_days: float | None = None
    kinds: frozenset[ClaimKind] | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise InvalidInputError("name", "a clock needs a name")
        if not self.starts or not self.stops:
            raise InvalidInputError(self.name, "a clock needs start and stop events")
        if self.starts & self.stops:
            # One event cannot both end a run and begin the next: the order is ambiguous.
            raise InvalidInputError(self.name, "an event cannot both start and stop the clock")
        if (self.target is None) == (self.working_days is None):
            raise InvalidInputError(self.name, "give exactly one of target or working_days")
        if self.target is not None and self.target <= timedelta(0):
            raise InvalidInputError(self.name, f"target must be positive, not {self.target}")
        if self.working_days is not None and not self.working_days > 0:
            raise InvalidInputError(
                self.name, f"working_days must be positive, not {self.working_days}"
            )

    def applies_to(self, kind: ClaimKind) -> bool:
        """Whether claims of ``kind`` run this clock."""
        return self.kinds is None or kind in self.kinds

    def paused_time(
        self, since: datetime, until: datetime, calendar: BusinessCalendar
    ) -> timedelta:
        """How far a pause from ``since`` to ``until`` pushes the due time back.

        Working-day clocks lose only the working time of the pause (a pause over a
        weekend costs nothing); elapsed clocks lose the whole pause.
        """
        if self.working_days is not None:
            return calendar.working_time_between(since, until)
        return max(until.astimezone(UTC) - since.astimezone(UTC), timedelta(0))

    def due(
        self, started_at: datetime, extension: timedelta, calendar: BusinessCalendar
    ) -> datetime:
        """When a run started at ``started_at`` and paused for ``extension`` is due."""
        if self.working_days is not None:
            budget = calendar.working_day * self.working_days + extension
            return calendar.add_working_duration(started_at, budget)
        assert self.target is not None  # __post_init__ guarantees one of the two
        # Elapsed targets count real time: add in UTC so a DST shift cannot bend them.
        return calendar.local(started_at.astimezone(UTC) + self.target + extension)


SlaTargets = tuple[ClockDefinition, ...]
"""The clocks a service runs, with their targets."""

DEFAULT_CLOCKS: SlaTargets = (
    ClockDefinition(
        "first_response",
        starts=frozenset({"Reported"}),
        stops=frozenset({"Acknowledged"}),
        target=timedelta(hours=24),
    ),
    ClockDefinition(
        "solution_proposal",
        starts=frozenset({"Classified"}),
        stops=frozenset({"Diagnosed", "Quoted"}),
        working_days=2,
        kinds=frozenset({ClaimKind.COMPLAINT}),
    ),
    ClockDefinition(
        "work_start",
        starts=frozenset({"Diagnosed"}),
        stops=frozenset({"RepairStarted", "ReplacementShipped", "Refunded"}),
        working_days=3,
    ),
    ClockDefinition(
        "repair",
        starts=frozenset({"RepairStarted"}),
        stops=frozenset({"Repaired"}),
        working_days=7,
    ),
    ClockDefinition(
        "follow_up",
        starts=frozenset({"CustomerConfirmed"}),
        stops=frozenset({"FollowedUp"}),
        target=timedelta(hours=48),
    ),
    ClockDefinition(
        "refund",
        starts=frozenset({"ReturnReceived"}),
        stops=frozenset({"Refunded"}),
        target=timedelta(days=7),
    ),
)
"""DESIGN.md's default targets."""
