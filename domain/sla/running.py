"""Which SLA clocks run after each event: the claim's own, event-by-event view.

``compute_clocks`` judges runs against a calendar and a moment; the claim itself
only needs to know which clocks are running, to refuse pausing when none is.
``clocks_after`` is the same walk as ``compute_clocks`` reduced to that set: a
terminal event stops every clock, a stop event stops its clock, a start event
starts a clock that is not running. It is pure and cheap enough to run on every
event the claim applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.sla.clocks import DEFAULT_CLOCKS, TERMINAL_EVENTS, SlaTargets
from domain.vocabulary import ClaimKind


def clocks_after(
    running: Sequence[str],
    event_name: str,
    kind: ClaimKind,
    clocks: SlaTargets = DEFAULT_CLOCKS,
) -> list[str]:
    """The names of the clocks running after ``event_name``, in the clocks' order (a list,
    as the claim keeps it: its JSON snapshots restore lists)."""
    now_running = set() if event_name in TERMINAL_EVENTS else set(running)
    for clock in clocks:
        if not clock.applies_to(kind):
            continue
        if clock.name in now_running and event_name in clock.stops:
            now_running.discard(clock.name)
        elif clock.name not in now_running and event_name in clock.starts:
            now_running.add(clock.name)
    return [clock.name for clock in clocks if clock.name in now_running]
