"""Business time runs forward: a claim's facts are dated in the order they happen.

An acknowledgement dated before the report it answers would hide an overdue
first-response clock; a note dated before the claim existed reads as a rewrite.
So a new fact's ``occurred_at`` is at or after the claim's previous fact's
(equal times are allowed: two facts of one moment, such as a diagnosis and its
quote). The ledger also refuses the future beyond a small clock skew, as it is
the one that reads the clock.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import TimeOrderError


def check_in_order(occurred_at: datetime, previous: datetime, version: int) -> None:
    """Refuses a fact dated before the claim's previous fact (at ``version``)."""
    if occurred_at < previous:
        raise TimeOrderError(occurred_at, previous, version)


def default_fact_time(now: datetime, previous: datetime) -> datetime:
    """The time of a fact the caller did not date: now, or the previous fact's time when
    that lies ahead of now (a caller's clock ran a little fast, within the skew)."""
    return max(now, previous)
