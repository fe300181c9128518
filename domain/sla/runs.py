"""The result of the SLA: one ``ClockRun`` per run of a clock, judged as of a moment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

ClockState = Literal["running", "due_soon", "met", "breached"]
"""``running`` and ``due_soon`` are open runs; ``met`` and ``breached`` are verdicts,
except that an open run already past its due time is ``breached`` too."""


@dataclass(frozen=True)
class ClockRun:
    """One run of one SLA clock on one claim, as of the ``now`` it was computed for.

    ``due_at`` includes the extension earned by pauses so far (an ongoing pause
    counts up to ``now``); ``paused_total`` is that extension, in the clock's own
    measure: working time for working-day clocks, elapsed time otherwise.
    ``paused_since`` is set while the run is paused. ``stopped_by`` names the event
    that ended the run (a stop event of the clock, or Closed/Rejected/Withdrawn).
    ``breached_at`` is the due time that was missed, for breached runs only.
    All datetimes are in the business calendar's time zone.
    """

    clock: str
    run: int
    started_at: datetime
    due_at: datetime
    paused_total: timedelta
    paused_since: datetime | None
    stopped_at: datetime | None
    stopped_by: str | None
    state: ClockState
    breached_at: datetime | None

    @property
    def is_open(self) -> bool:
        """Whether the run is still counting (possibly paused)."""
        return self.stopped_at is None


def breaches(runs: Iterable[ClockRun]) -> list[ClockRun]:
    """The breached runs among ``runs``, in their order."""
    return [run for run in runs if run.state == "breached"]
