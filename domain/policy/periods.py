"""Date arithmetic of the 三包 periods: days since receipt, the warranty's last day, days used.

All counts are in calendar days; the receipt day is day 0.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from domain.values import PolicyQuery


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (Jan 31 + 1 → Feb 28/29)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def days_since_receipt(query: PolicyQuery) -> int:
    """Days from receipt (delivery, else purchase) to the report; the 7/15-day windows use it."""
    return (query.reported_on - received_on(query)).days


def received_on(query: PolicyQuery) -> date:
    """The day the customer received the goods."""
    return query.delivered_on or query.purchased_on


def warranty_start(query: PolicyQuery) -> date:
    """The warranty runs from the purchase, or from the exchange: an exchange restarts it."""
    return query.exchanged_on or query.purchased_on


def repair_days_in_warranty(query: PolicyQuery) -> int:
    """Days in repair during the current warranty; the warranty is extended by them.

    Repairs before an exchange belonged to the old item and its old warranty.
    """
    start = warranty_start(query)
    return sum(r.days_in_repair for r in query.repairs if r.started_on >= start)


def warranty_ends_on(query: PolicyQuery, months: int) -> date:
    """The last covered day (inclusive): start + months − 1 day, plus the days in repair."""
    last_day = add_months(warranty_start(query), months) - timedelta(days=1)
    return last_day + timedelta(days=repair_days_in_warranty(query))


def days_used(query: PolicyQuery) -> int:
    """Days the customer had the use of the goods: receipt to report, less days in repair.

    Only the part of a repair between receipt and report counts, so a repair
    recorded after the report cannot push the count below what it really was;
    the result is never negative.
    """
    start, end = received_on(query), query.reported_on
    in_repair = 0
    for repair in query.repairs:
        first, last = max(repair.started_on, start), min(repair.finished_on, end)
        in_repair += max(0, (last - first).days + 1)
    return max(0, days_since_receipt(query) - in_repair)
