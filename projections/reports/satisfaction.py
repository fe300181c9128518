"""Customer satisfaction per month, team and assignee, from the claims view.

Definitions (the reference documents' service targets):

- a **survey** counts in the month (Asia/Shanghai) of its business time;
- **satisfied** means a score of 4 or 5 on the 1–5 scale; the satisfied share is
  satisfied surveys / surveys;
- a **follow-up in time** is the first follow-up after the customer confirmed the
  resolution, within 48 hours of that confirmation (the follow-up SLA). It counts
  in the month of the confirmation, not of a survey: a confirmation that was never
  followed up has no survey either, and must still count against the share;
- the **target** is "satisfaction ≥ 95 % for three consecutive months": it is met
  in a month when that month and the two calendar months before it each have
  surveys with a satisfied share of at least 95 % (a month without surveys breaks
  the run). It is judged per team (all its assignees together) and per assignee
  within the team.

Team and assignee are the claim's current ones (a reassigned claim counts for its
new owner). A reopened claim's earlier survey and confirmation no longer count:
reopening voids them in the domain too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import class_row

from domain.claim import BUSINESS_TZ
from domain.errors import InvalidInputError
from projections.engine.view import VIEWS_SCHEMA


@dataclass(frozen=True)
class SatisfactionRow:
    """One month of one assignee in one team. Shares are fractions (0.95 = 95 %)."""

    month: date
    team: str | None
    assignee: str | None
    surveys: int
    average_score: Decimal | None
    satisfied: int
    satisfied_share: Decimal | None
    confirmations: int
    followed_up_in_time: int
    follow_up_share: Decimal | None
    team_target_met: bool
    assignee_target_met: bool


def satisfaction_report(
    conn: Connection[Any],
    months: int = 12,
    *,
    as_of: datetime | None = None,
    schema: str = VIEWS_SCHEMA,
) -> list[SatisfactionRow]:
    """The last ``months`` months up to the month of ``as_of`` (default now), oldest first.

    Only (month, team, assignee) groups with a survey or a confirmation appear.
    """
    if months < 1:
        raise InvalidInputError("months", "must be at least 1")
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInputError("as_of", "must include a time zone")
    params = {"months": months, "as_of": as_of, "tz": BUSINESS_TZ.key}
    query = sql.SQL(_REPORT).format(claims=sql.Identifier(schema, "claims"))
    with conn.cursor(row_factory=class_row(SatisfactionRow)) as cur:
        return cur.execute(query, params).fetchall()


# Two months before the first reported month are read too: the target looks back
# three months. Times are compared as timestamptz so the month indexes are usable.
_REPORT = """
WITH span AS (
    SELECT last_month,
           (last_month - make_interval(months => %(months)s - 1))::date AS first_month,
           (last_month - make_interval(months => %(months)s + 1)) AT TIME ZONE %(tz)s
               AS read_from,
           (last_month + interval '1 month') AT TIME ZONE %(tz)s AS read_to
    FROM (SELECT date_trunc('month', coalesce(%(as_of)s::timestamptz, now()) AT TIME ZONE %(tz)s)
                 AS last_month) AS m
),
facts AS (
    SELECT date_trunc('month', c.surveyed_at AT TIME ZONE %(tz)s)::date AS month,
           c.team, c.assignee, 1 AS surveys, c.satisfaction AS score,
           (c.satisfaction >= 4)::int AS satisfied, 0 AS confirmations, 0 AS in_time
    FROM {claims} c, span
    WHERE c.surveyed_at >= span.read_from AND c.surveyed_at < span.read_to
    UNION ALL
    SELECT date_trunc('month', c.confirmed_at AT TIME ZONE %(tz)s)::date,
           c.team, c.assignee, 0, NULL, 0, 1,
           (c.followed_up_at <= c.confirmed_at + interval '48 hours')::int
    FROM {claims} c, span
    WHERE c.confirmed_at >= span.read_from AND c.confirmed_at < span.read_to
),
per_assignee AS (
    SELECT month, team, assignee,
           sum(surveys)::int AS surveys, round(avg(score), 2) AS average_score,
           sum(satisfied)::int AS satisfied, sum(confirmations)::int AS confirmations,
           coalesce(sum(in_time), 0)::int AS followed_up_in_time
    FROM facts GROUP BY month, team, assignee
),
per_team AS (
    SELECT month, team, sum(surveys) AS surveys, sum(satisfied) AS satisfied
    FROM per_assignee GROUP BY month, team
),
team_target AS (
    SELECT month, team,
           count(*) FILTER (WHERE surveys > 0 AND satisfied * 100 >= 95 * surveys) OVER (
               PARTITION BY team ORDER BY month
               RANGE BETWEEN interval '2 months' PRECEDING AND CURRENT ROW) = 3 AS met
    FROM per_team
),
assignee_target AS (
    SELECT a.*,
           count(*) FILTER (WHERE surveys > 0 AND satisfied * 100 >= 95 * surveys) OVER (
               PARTITION BY team, assignee ORDER BY month
               RANGE BETWEEN interval '2 months' PRECEDING AND CURRENT ROW) = 3 AS met
    FROM per_assignee a
)
SELECT a.month, a.team, a.assignee, a.surveys, a.average_score, a.satisfied,
       round(a.satisfied::numeric / nullif(a.surveys, 0), 4) AS satisfied_share,
       a.confirmations, a.followed_up_in_time,
       round(a.followed_up_in_time::numeric / nullif(a.confirmations, 0), 4) AS follow_up_share,
       t.met AS team_target_met, a.met AS assignee_target_met
FROM assignee_target a
JOIN team_target t ON t.month = a.month AND t.team IS NOT DISTINCT FROM a.team
CROSS JOIN span
WHERE a.month >= span.first_month
ORDER BY a.month, a.team NULLS LAST, a.assignee NULLS LAST
"""
