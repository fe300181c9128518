"""The console's home overview: today's workload, each team's month, this month against last.

Definitions:

- a claim is **open** until it is closed, rejected or withdrawn (``closed_at``
  empty; a reopened claim is open again);
- **overdue**: an open claim with an open, unpaused SLA clock past its due time
  (as the claims list's ``overdue`` filter);
  **due today**: an open claim, not overdue, with an open clock due before the end
  of today (China time);
- **CSAT** is the average survey score (1–5) of the surveys in the month, the
  **satisfied share** those scoring 4 or 5 (as the satisfaction report counts);
- the **on-time rate** is the share of SLA clock runs stopped in the month that
  stopped by their due time (a run's due time already carries its pauses);
- months are calendar months in China time; the team is the claim's current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import class_row

from domain.claim import BUSINESS_TZ
from projections.engine.view import VIEWS_SCHEMA


@dataclass(frozen=True)
class Workload:
    """Open claims now, those overdue and those due by the end of today."""

    open: int
    overdue: int
    due_today: int


@dataclass(frozen=True)
class MonthFigures:
    """One month's claims: reported, ended, surveys and SLA runs (shares are fractions)."""

    month: date
    reported: int
    ended: int
    surveys: int
    csat: Decimal | None
    satisfied_share: Decimal | None
    clocks_stopped: int
    on_time_share: Decimal | None


@dataclass(frozen=True)
class TeamFigures:
    """One team's month ("" for claims without a team)."""

    team: str
    surveys: int
    csat: Decimal | None
    satisfied_share: Decimal | None
    clocks_stopped: int
    on_time_share: Decimal | None


@dataclass(frozen=True)
class Overview:
    workload: Workload
    this_month: MonthFigures
    last_month: MonthFigures
    teams: list[TeamFigures]


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _bounds(first: date) -> tuple[datetime, datetime]:
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time(), BUSINESS_TZ),
        datetime.combine(following, time(), BUSINESS_TZ),
    )


def overview(conn: Connection[Any], now: datetime, schema: str = VIEWS_SCHEMA) -> Overview:
    """The home page's figures as of ``now`` (aware)."""
    this = month_start(now.astimezone(BUSINESS_TZ).date())
    this_month, last_month = month_figures(conn, [this, previous_month(this)], schema)
    return Overview(
        workload=workload(conn, now, schema),
        this_month=this_month,
        last_month=last_month,
        teams=team_figures(conn, this, schema),
    )


def workload(conn: Connection[Any], now: datetime, schema: str = VIEWS_SCHEMA) -> Workload:
    """Open, overdue and due-today claims as of ``now``.

    Only the open, unpaused clocks due before the end of today are read (a range of
    the open clocks' due-time index), each claim's earliest of them deciding:
    before ``now`` it is overdue, else due today. A claim's end (closed, rejected,
    withdrawn) ends every open run, so open runs are open claims'. No per-claim
    probe, so the plan does not hang on fresh statistics (a nested probe per open
    claim took seconds on 10,000 claims just loaded).
    """
    today = now.astimezone(BUSINESS_TZ).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(), BUSINESS_TZ)
    query = sql.SQL(
        "WITH due AS (SELECT claim_id, min(due_at) AS next_due FROM {clocks}"
        "   WHERE stopped_at IS NULL AND paused_since IS NULL AND due_at < %(end)s"
        "   GROUP BY claim_id)"
        " SELECT (SELECT count(*) FROM {claims} WHERE closed_at IS NULL)::int AS open,"
        " count(*) FILTER (WHERE d.next_due < %(now)s)::int AS overdue,"
        " count(*) FILTER (WHERE d.next_due >= %(now)s)::int AS due_today"
        " FROM due d"
    ).format(claims=sql.Identifier(schema, "claims"), clocks=sql.Identifier(schema, "sla_clocks"))
    with conn.cursor(row_factory=class_row(Workload)) as cur:
        row = cur.execute(query, {"now": now, "end": end_of_today}).fetchone()
    return row if row is not None else Workload(0, 0, 0)


def month_figures(
    conn: Connection[Any], firsts: list[date], schema: str = VIEWS_SCHEMA
) -> list[MonthFigures]:
    """The months beginning ``firsts``, in that order, in one round trip: claims reported and
    ended, surveys, SLA runs stopped. Each table is read once for all the months (the
    claims that changed since the first month begins, the runs stopped since then)."""
    months = sql.SQL(", ").join(
        sql.SQL("({}::date, {}::timestamptz, {}::timestamptz)").format(
            sql.Literal(first), *(sql.Literal(bound) for bound in _bounds(first))
        )
        for first in firsts
    )
    since = min(_bounds(first)[0] for first in firsts)
    query = sql.SQL(
        "WITH m (month, start, stop) AS (VALUES {months}),"
        " c AS (SELECT created_at, closed_at, surveyed_at, satisfaction FROM {claims}"
        "   WHERE created_at >= %(since)s OR closed_at >= %(since)s OR surveyed_at >= %(since)s),"
        " r AS (SELECT stopped_at, due_at FROM {clocks} WHERE stopped_at >= %(since)s),"
        " by_claims AS (SELECT m.month,"
        "   count(*) FILTER (WHERE c.created_at >= m.start AND c.created_at < m.stop)::int"
        "     AS reported,"
        "   count(*) FILTER (WHERE c.closed_at >= m.start AND c.closed_at < m.stop)::int"
        "     AS ended,"
        "   count(*) FILTER (WHERE c.surveyed_at >= m.start AND c.surveyed_at < m.stop)::int"
        "     AS surveys,"
        "   round(avg(c.satisfaction)"
        "     FILTER (WHERE c.surveyed_at >= m.start AND c.surveyed_at < m.stop), 2) AS csat,"
        "   round(avg((c.satisfaction >= 4)::int)"
        "     FILTER (WHERE c.surveyed_at >= m.start AND c.surveyed_at < m.stop), 4)"
        "     AS satisfied_share"
        "   FROM m LEFT JOIN c ON true GROUP BY m.month),"
        " by_runs AS (SELECT m.month,"
        "   count(r.stopped_at)::int AS clocks_stopped,"
        "   round(avg((r.stopped_at <= r.due_at)::int), 4) AS on_time_share"
        "   FROM m LEFT JOIN r ON r.stopped_at >= m.start AND r.stopped_at < m.stop"
        "   GROUP BY m.month)"
        " SELECT month, reported, ended, surveys, csat, satisfied_share, clocks_stopped,"
        " on_time_share FROM by_claims JOIN by_runs USING (month)"
        " ORDER BY array_position({order}, month)"
    ).format(
        claims=sql.Identifier(schema, "claims"),
        clocks=sql.Identifier(schema, "sla_clocks"),
        months=months,
        order=sql.Literal(firsts),
    )
    with conn.cursor(row_factory=class_row(MonthFigures)) as cur:
        return cur.execute(query, {"since": since}).fetchall()


def team_figures(
    conn: Connection[Any], first: date, schema: str = VIEWS_SCHEMA
) -> list[TeamFigures]:
    """Each team's surveys and SLA runs in the month beginning ``first``, by team name."""
    start, end = _bounds(first)
    query = sql.SQL(
        "WITH surveys AS ("
        "   SELECT coalesce(team, '') AS team, count(*)::int AS surveys,"
        "   round(avg(satisfaction), 2) AS csat,"
        "   round(avg((satisfaction >= 4)::int), 4) AS satisfied_share"
        "   FROM {claims} WHERE surveyed_at >= %(start)s AND surveyed_at < %(end)s"
        "   GROUP BY 1),"
        " runs AS ("
        "   SELECT coalesce(o.team, '') AS team, count(*)::int AS clocks_stopped,"
        "   round(avg((s.stopped_at <= s.due_at)::int), 4) AS on_time_share"
        "   FROM {clocks} s JOIN {owners} o ON o.claim_id = s.claim_id"
        "   WHERE s.stopped_at >= %(start)s AND s.stopped_at < %(end)s GROUP BY 1)"
        " SELECT team, coalesce(v.surveys, 0) AS surveys, v.csat, v.satisfied_share,"
        " coalesce(r.clocks_stopped, 0) AS clocks_stopped, r.on_time_share"
        " FROM surveys v FULL JOIN runs r USING (team) ORDER BY team"
    ).format(
        claims=sql.Identifier(schema, "claims"),
        clocks=sql.Identifier(schema, "sla_clocks"),
        owners=sql.Identifier(schema, "sla_claims"),
    )
    with conn.cursor(row_factory=class_row(TeamFigures)) as cur:
        return cur.execute(query, {"start": start, "end": end}).fetchall()
