"""Processing time: from the report to the resolution, in working hours (a KPI of reference 002).

Definitions:

- **resolved** is the claim's status once every item is settled (for complaints
  and consultations: once a finding is recorded); the claims view keeps the
  business time of the event that made it so (``views.claims.resolved_at``). A
  claim reopened and resolved again counts its last resolution; one reopened,
  rejected or withdrawn after resolving counts nowhere until it is resolved again.
- a claim counts in the **month of its resolution** (China time), so a month's
  figure is final once the month is over (by report month it would keep growing,
  holding only the quick claims at first).
- **working hours** are ``BusinessCalendar.working_time_between(reported, resolved)``
  on the service's calendar (operator's holidays and workdays included). They are
  computed when read, so a calendar change applies to every month read after it.
- **per model**: a claim counts once for each model code among its items; **per
  team**: the claim's team ("unassigned" when it never had one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import fmean, median
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import tuple_row

from domain.calendar import BusinessCalendar
from domain.claim import BUSINESS_TZ
from projections.engine.view import VIEWS_SCHEMA

UNASSIGNED = "unassigned"
_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class ProcessingTime:
    """Working hours from report to resolution of a group of claims (None without claims)."""

    claims: int
    mean_hours: float | None
    median_hours: float | None
    max_hours: float | None

    @classmethod
    def of(cls, hours: list[float]) -> ProcessingTime:
        if not hours:
            return cls(0, None, None, None)
        return cls(len(hours), round(fmean(hours), 2), round(median(hours), 2), max(hours))


@dataclass(frozen=True)
class MonthlyProcessingTime:
    """The processing time of the claims resolved in one month, in total, by model and team."""

    total: ProcessingTime
    by_model: dict[str, ProcessingTime]
    by_team: dict[str, ProcessingTime]


def processing_time(
    conn: Connection[Any],
    month: date,
    calendar: BusinessCalendar,
    schema: str = VIEWS_SCHEMA,
) -> MonthlyProcessingTime:
    """Working hours from report to resolution of the claims resolved in ``month``."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    query = sql.SQL(
        "SELECT created_at, resolved_at, team, models FROM {} "
        "WHERE resolved_at >= %s AND resolved_at < %s"
    ).format(sql.Identifier(schema, "claims"))
    bounds = (
        datetime.combine(first, time(), BUSINESS_TZ),
        datetime.combine(following, time(), BUSINESS_TZ),
    )
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(query, bounds).fetchall()
    every: list[float] = []
    models: dict[str, list[float]] = defaultdict(list)
    teams: dict[str, list[float]] = defaultdict(list)
    for reported, resolved, team, codes in rows:
        hours = round(calendar.working_time_between(reported, resolved) / _HOUR, 2)
        every.append(hours)
        teams[team or UNASSIGNED].append(hours)
        for code in codes:
            models[code].append(hours)
    return MonthlyProcessingTime(
        total=ProcessingTime.of(every),
        by_model={code: ProcessingTime.of(h) for code, h in sorted(models.items())},
        by_team={team: ProcessingTime.of(h) for team, h in sorted(teams.items())},
    )
