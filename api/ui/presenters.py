"""Small judgements the pages show: the claims list's SLA badges, the board's time left."""

from __future__ import annotations

from datetime import datetime, timedelta

from projections.claims.claims_queries import ClaimRow


def sla_badge(row: ClaimRow, now: datetime, due_soon: timedelta) -> str:
    """The list's SLA badge for a claim's earliest-due open clock.

    ``breached`` (an open clock past due), ``paused``, ``due_soon`` (due within
    the board's window), ``running``, or ``none`` when no clock is open.
    """
    if row.overdue:
        return "breached"
    if row.sla_due_at is None:
        return "none"
    if row.sla_paused_since is not None:
        return "paused"
    if row.sla_due_at <= now + due_soon:
        return "due_soon"
    return "running"


def time_left(due_at: datetime, stopped_at: datetime | None, now: datetime) -> tuple[str, int]:
    """How a clock stands against its due time, in whole hours (rounded up):
    ``("overdue", 19)`` past due (until it stopped), ``("remaining", 3)`` before it."""
    end = stopped_at or now
    seconds = (end - due_at).total_seconds()
    hours = max(1, -int(-abs(seconds) // 3600))
    return ("overdue", hours) if seconds > 0 else ("remaining", hours)
