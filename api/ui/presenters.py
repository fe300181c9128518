"""Small judgements the pages show: SLA badges and masked personal fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from projections.claims_queries import ClaimRow

PERSONAL_FIELDS = ("name", "phone", "email")


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


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """``13800138001`` → ``138****8001``; short values keep less, never the whole."""
    if not value:
        return ""
    keep_start = min(keep_start, max(len(value) - 1, 0))
    keep_end = min(keep_end, max(len(value) - keep_start - 1, 0))
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * max(hidden, 1) + (value[-keep_end:] if keep_end else "")


def mask_email(email: str) -> str:
    local, at, domain = email.partition("@")
    return mask(local, 1, 0) + at + domain if at else mask(email, 1, 0)


@dataclass(frozen=True)
class CustomerView:
    """The customer as the page shows them: personal fields masked (None: hidden), region plain."""

    name: str | None
    phone: str | None
    email: str | None
    address: str | None
    region: str
    masked: bool
    erased: bool = False


def masked_customer(customer: Any) -> CustomerView:
    """Personal fields hidden; a sealed customer is not even opened to mask them."""
    if hasattr(customer, "sealed"):
        return CustomerView(None, None, None, None, customer.region, True, customer.erased)
    return CustomerView(
        name=mask(customer.name, 1, 0),
        phone=mask(customer.phone, 3, 4),
        email=mask_email(customer.email),
        address=None,
        region=customer.region,
        masked=True,
    )


def revealed_customer(customer: Any) -> CustomerView:
    """The opened customer, every personal field in clear."""
    return CustomerView(
        customer.name,
        customer.phone,
        customer.email,
        getattr(customer, "address", ""),
        customer.region,
        masked=False,
    )
