"""SLA clocks of a claim: which clocks run, when they are due, which were breached.

``compute_clocks`` replays a claim's events (``SlaEvent``) against the clock
definitions (``DEFAULT_CLOCKS`` or a configured ``SlaTargets``) on a
``BusinessCalendar`` and returns one ``ClockRun`` per run, judged as of ``now``.
"""

from domain.sla.clocks import (
    DEFAULT_CLOCKS,
    PAUSED,
    RESUMED,
    TERMINAL_EVENTS,
    ClockDefinition,
    SlaEvent,
    SlaTargets,
)
from domain.sla.compute import compute_clocks
from domain.sla.runs import ClockRun, ClockState, breaches

__all__ = [
    "DEFAULT_CLOCKS",
    "PAUSED",
    "RESUMED",
    "TERMINAL_EVENTS",
    "ClockDefinition",
    "ClockRun",
    "ClockState",
    "SlaEvent",
    "SlaTargets",
    "breaches",
    "compute_clocks",
]
