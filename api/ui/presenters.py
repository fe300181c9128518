"""Small judgements the pages show: the claims list's SLA badges."""

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
