"""Where a claim stands as a whole: its status, and which statuses end it."""

from __future__ import annotations

from enum import Enum


class ClaimStatus(Enum):
    REPORTED = "reported"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


TERMINAL = frozenset({ClaimStatus.CLOSED, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN})
"""The statuses that end a claim; only reopen leads out of them."""
