"""The SLA board's counts, kept by the SLA view instead of counted on each request.

A run is on the board breached or due soon as of a moment (``sla_queries``). Most of
those judgements follow from the events alone and stay true as time passes:

- a run that stopped after its due time, while its claim is open, is breached;
- an open run whose due time has passed, unless paused before it, is breached from
  its due time on (a pause after the due time keeps it breached).

``views.sla_board_counts`` holds, per current team and assignee, how many such runs
count as breached from the start of each hour (``counts_from``: the hour of the due
time; NULL for a run that stopped late, breached at any moment). The view recounts a claim's share
before and after it rewrites the claim's rows, in the same transaction, so the
counts equal a count from scratch after every batch, and a rebuild replays them with
the rest of the view. The sweep's records (breach time, escalation) play no part.

What depends on the moment is read from the runs themselves, over a small range: a
board as of ``now`` takes every kept run that counts from before ``now``'s hour, and
judges the open runs due from the start of that hour to ``now + due_soon`` one by
one. Its work depends on the runs due in those few hours and on the number of kept
hours, not on how many runs are overdue.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Cursor, sql

from projections.engine.view import View

TABLE = "sla_board_counts"
# The start of the hour a moment falls in, whatever the session's time zone.
HOUR_OF = "date_bin('1 hour', {}, timestamptz '2000-01-01 00:00+00')"
# The runs kept in the counts, with the hour they count from; ``c`` a run, ``s`` its claim.
COUNTS_FROM = "CASE WHEN c.stopped_at IS NULL THEN " + HOUR_OF.format("c.due_at") + " END"
# The kept runs breached at ``now`` (a parameter), or the runs of the counts table ``k``.
BREACHED_AT_NOW = (
    "(k.counts_from IS NULL OR k.counts_from < " + HOUR_OF.format("%(now)s::timestamptz") + ")"
)
KEPT = """((c.stopped_at > c.due_at AND s.ended_at IS NULL)
      OR (c.stopped_at IS NULL AND (c.paused_since IS NULL OR c.due_at < c.paused_since)))"""
SHARE = (
    "SELECT s.team, s.assignee, "
    + COUNTS_FROM
    + " AS counts_from, count(*) AS runs FROM {clocks} c JOIN {claims} s USING (claim_id)"
    " WHERE c.claim_id = ANY(%(claims)s) AND " + KEPT + " GROUP BY 1, 2, 3"
)


def take_away(cur: Cursor[Any], view: View, claim_ids: list[UUID]) -> None:
    """Takes the claims' share out of the counts, as their rows stand before a rewrite."""
    _add(cur, view, claim_ids, -1)


def add(cur: Cursor[Any], view: View, claim_ids: list[UUID]) -> None:
    """Adds the claims' share to the counts, as their rows stand after a rewrite; the
    counts that fell to zero are dropped."""
    _add(cur, view, claim_ids, 1)
    cur.execute(sql.SQL("DELETE FROM {} WHERE runs = 0").format(view.table(TABLE)))


def _add(cur: Cursor[Any], view: View, claim_ids: list[UUID], sign: int) -> None:
    if not claim_ids:
        return
    statement = sql.SQL(
        "INSERT INTO {counts} AS k (team, assignee, counts_from, runs)"
        " SELECT team, assignee, counts_from, %(sign)s * runs FROM (" + SHARE + ") AS share"
        " ON CONFLICT (team, assignee, counts_from) DO UPDATE SET runs = k.runs + EXCLUDED.runs"
    ).format(
        counts=view.table(TABLE), clocks=view.table("sla_clocks"), claims=view.table("sla_claims")
    )
    cur.execute(statement, {"claims": claim_ids, "sign": sign})
