"""Breaches per owner: every breached run counts for whoever held the claim at its due time.

A run is breached when the sweep recorded it breached while open, or when it
stopped after its due time, including a run that stopped before any sweep saw
it open. It counts in the month (China time) of its due time, the moment of the
breach, for the team and assignee the claim was assigned to at that moment
(``sla_clocks.due_team`` / ``due_assignee``; none when nobody was assigned yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import class_row

from domain.claim import BUSINESS_TZ
from projections.engine.view import VIEWS_SCHEMA


@dataclass(frozen=True)
class OwnerBreaches:
    """One owner's breached runs in a month: all, those that stopped late, those escalated."""

    team: str | None
    assignee: str | None
    breaches: int
    stopped_late: int
    escalated: int


_QUERY = """
SELECT due_team AS team, due_assignee AS assignee, count(*) AS breaches,
       count(*) FILTER (WHERE stopped_at > due_at) AS stopped_late,
       count(*) FILTER (WHERE escalated_at IS NOT NULL) AS escalated
  FROM {clocks}
 WHERE (breach_recorded_at IS NOT NULL OR stopped_at > due_at)
   AND due_at >= %(start)s AND due_at < %(end)s
 GROUP BY due_team, due_assignee
 ORDER BY breaches DESC, team NULLS LAST, assignee NULLS LAST
"""


def breaches_by_owner(
    conn: Connection[Any], month: date, schema: str = VIEWS_SCHEMA
) -> list[OwnerBreaches]:
    """The runs breached in ``month``, counted per team and assignee at the due time."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    params = {
        "start": datetime.combine(first, time(), BUSINESS_TZ),
        "end": datetime.combine(following, time(), BUSINESS_TZ),
    }
    query = sql.SQL(_QUERY).format(clocks=sql.Identifier(schema, "sla_clocks"))
    with conn.cursor(row_factory=class_row(OwnerBreaches)) as cur:
        return cur.execute(query, params).fetchall()
