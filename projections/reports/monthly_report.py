"""The whole monthly report: the month's statistics, processing time, breaches per owner
and warranty cost.

Four reads: the statistics of the claims reported in the month (one query),
the processing time of the claims resolved in it (working hours on the
service's calendar), the SLA runs breached in it, per owner at the due time,
and the warranty cost spent in it by model, supplier and cause.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from psycopg import Connection

from domain.calendar import BusinessCalendar
from projections.reports.processing_time import processing_time
from projections.reports.statistics import MonthlyStatistics, OutlierRules, monthly_statistics
from projections.reports.warranty_costs import warranty_costs_by
from projections.sla.breach_owners import breaches_by_owner


def monthly_report(
    conn: Connection[Any],
    month: date,
    calendar: BusinessCalendar,
    rules: OutlierRules | None = None,
) -> MonthlyStatistics:
    """One month's statistics with its processing time, breaches per owner and costs."""
    statistics = monthly_statistics(conn, month, rules)
    return replace(
        statistics,
        processing_time=processing_time(conn, month, calendar),
        sla_breaches=breaches_by_owner(conn, month),
        warranty_costs=warranty_costs_by(conn, month),
    )
