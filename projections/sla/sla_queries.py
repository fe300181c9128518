"""Reading the SLA view: the board, one claim's clocks, and the breaches.

Each query is one round trip and judges the runs as of ``now`` in SQL, so the
stored rows never go stale. The states follow the domain's ``ClockState``, plus
``paused`` for an open run whose clock is stopped while it waits:

- ``met`` / ``breached``: the run stopped on or before / after its due time;
- ``breached``: the run is open and its due time has passed, while it counted (a
  run paused after its due time stays breached, as ``compute_clocks`` says);
- ``due_soon``: open, not paused, due within the ``due_soon`` window;
- ``running``: open and not due yet; ``paused``: open, paused before its due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import class_row, dict_row

from domain.vocabulary import Team
from projections.engine.view import VIEWS_SCHEMA
from projections.sla import sla_board_counts as board_counts

DUE_SOON = timedelta(hours=4)

_SELECT = """
SELECT c.claim_id, s.claim_number, s.team, s.assignee, c.clock, c.run, c.started_at,
       c.due_at, c.paused_total, c.paused_since, c.stopped_at, c.stopped_by,
       CASE WHEN c.stopped_at IS NOT NULL
                 THEN CASE WHEN c.stopped_at <= c.due_at THEN 'met' ELSE 'breached' END
            WHEN c.due_at < COALESCE(c.paused_since, %(now)s) THEN 'breached'
            WHEN c.paused_since IS NOT NULL THEN 'paused'
            WHEN c.due_at <= %(now)s + %(due_soon)s THEN 'due_soon'
            ELSE 'running' END AS state,
       c.escalated_at, c.breach_recorded_at, c.escalation, c.due_team, c.due_assignee
  FROM {clocks} c JOIN {claims} s USING (claim_id)
"""
_BOARD_WHERE = """
     WHERE ((c.stopped_at IS NULL AND c.due_at <= %(now)s + %(due_soon)s
             AND (c.paused_since IS NULL OR c.due_at < c.paused_since))
            OR (c.stopped_at > c.due_at AND s.ended_at IS NULL))
       AND (%(team)s::text IS NULL OR s.team = %(team)s)
       AND (%(assignee)s::text IS NULL OR s.assignee = %(assignee)s)"""


@dataclass(frozen=True)
class SlaClock:
    """One run of one SLA clock with its claim's number and owner, judged as of ``now``."""

    claim_id: UUID
    claim_number: str
    team: str | None
    assignee: str | None
    clock: str
    run: int
    started_at: datetime
    due_at: datetime
    paused_total: timedelta
    paused_since: datetime | None
    stopped_at: datetime | None
    stopped_by: str | None
    state: str
    escalated_at: datetime | None
    breach_recorded_at: datetime | None
    escalation: str | None
    # Who held the claim at the run's due time (``team``/``assignee`` are the current
    # owners): a breach counts for them.
    due_team: str | None
    due_assignee: str | None

    @property
    def clock_run(self) -> str:
        """The run's name in an ``Escalated`` event, e.g. ``repair#2``."""
        return f"{self.clock}#{self.run}"


def sla_board(
    conn: Connection[Any],
    now: datetime,
    due_soon: timedelta = DUE_SOON,
    team: Team | str | None = None,
    assignee: str | None = None,
    schema: str = VIEWS_SCHEMA,
) -> list[SlaClock]:
    """Breached and nearly due runs, earliest due first, optionally for one team or person.

    Open runs count when breached or due before ``now + due_soon`` and not paused; a run that
    stopped after its due time stays on the board while its claim is open, so a
    supervisor sees it until the claim ends.
    """
    where = _BOARD_WHERE + " ORDER BY c.due_at, c.claim_id, c.clock, c.run"
    params = {
        "now": now,
        "due_soon": due_soon,
        "team": team.value if isinstance(team, Team) else team,
        "assignee": assignee,
    }
    return _fetch(conn, schema, where, params)


BOARD_LIMIT = 100  # the earliest due (a page of 200 took 100 ms to render); counts are of all


@dataclass(frozen=True)
class Board:
    """The first ``limit`` runs of the board, earliest due first, and the whole board's counts."""

    clocks: list[SlaClock]
    total: int
    breached: int
    due_soon: int


def sla_board_page(
    conn: Connection[Any],
    now: datetime,
    limit: int = BOARD_LIMIT,
    due_soon: timedelta = DUE_SOON,
    team: Team | str | None = None,
    assignee: str | None = None,
    schema: str = VIEWS_SCHEMA,
) -> Board:
    """The board as ``sla_board`` reads it, its first ``limit`` runs only, with how many runs
    it holds in all and how many of them are breached or due soon, in one round trip.

    With thousands of claims overdue a page of every run took seconds to build and read,
    and counting them on each request most of the page's time: the counts are the
    view's own (``sla_board_counts``) plus the runs due since the start of ``now``'s hour.
    """
    params = {
        "now": now,
        "due_soon": due_soon,
        "team": team.value if isinstance(team, Team) else team,
        "assignee": assignee,
        "limit": limit,
    }
    query = _page_query(schema, by_owner=team is not None or assignee is not None)
    with conn.cursor(row_factory=dict_row) as cur:
        # Planned for its parameters each time: psycopg prepares a statement run five
        # times, and the generic plan, blind to the moment and to which filters are
        # unset, read and sorted every open run (4 times slower at 10,000 claims).
        rows = cur.execute(query, params, prepare=False).fetchall()
    if not rows:
        return Board([], 0, 0, 0)
    first = rows[0]
    breached, due = first["board_breached"], first["board_due_soon"]
    clocks = [
        SlaClock(**{k: v for k, v in row.items() if not k.startswith("board_")}) for row in rows
    ]
    return Board(clocks, breached + due, breached, due)


_HOUR_NOW = board_counts.HOUR_OF.format("%(now)s::timestamptz")
_OWNER = """
       AND (%(team)s::text IS NULL OR s.team = %(team)s)
       AND (%(assignee)s::text IS NULL OR s.assignee = %(assignee)s)"""
# The board's two kinds of run, each read in its own index's due order: the page takes
# the earliest of each and stops at ``limit`` instead of sorting the whole board.
_STOPPED_LATE = " WHERE c.stopped_at > c.due_at AND s.ended_at IS NULL" + _OWNER
_OPEN_RUN = """
     c.stopped_at IS NULL AND c.due_at <= %(now)s + %(due_soon)s
       AND (c.paused_since IS NULL OR c.due_at < c.paused_since)"""
_OPEN = " WHERE" + _OPEN_RUN + _OWNER
_ORDER = " ORDER BY due_at, claim_id, clock, run"
# The open runs due first, picked from the runs alone when the board is everyone's: on
# statistics never refreshed the planner would otherwise join every overdue run to its
# claim before sorting.
_EARLIEST_OPEN = "(SELECT * FROM {clocks} c WHERE" + _OPEN_RUN + _ORDER + " LIMIT %(limit)s)"
_PAGE = (
    "WITH page AS ("
    f"({_SELECT}{_STOPPED_LATE}{_ORDER} LIMIT %(limit)s)"
    " UNION ALL ({open}" + _ORDER + " LIMIT %(limit)s)"
    # The runs breached since before this hour, as the view counted them.
    "), kept AS ("
    " SELECT coalesce(sum(k.runs), 0) AS breached FROM {counts} k"
    f" WHERE {board_counts.BREACHED_AT_NOW}"
    " AND (%(team)s::text IS NULL OR k.team = %(team)s)"
    " AND (%(assignee)s::text IS NULL OR k.assignee = %(assignee)s)"
    # The open runs due from this hour's start on, judged one by one.
    "), due_now AS ("
    " SELECT count(*) FILTER (WHERE b.state = 'breached') AS breached,"
    " count(*) FILTER (WHERE b.state = 'due_soon') AS due_soon"
    f" FROM ({_SELECT}{_OPEN} AND c.due_at >= {_HOUR_NOW}) b"
    ")"
    " SELECT page.*, kept.breached + due_now.breached AS board_breached,"
    f" due_now.due_soon AS board_due_soon FROM page, kept, due_now{_ORDER} LIMIT %(limit)s"
)


def _page_query(schema: str, by_owner: bool) -> sql.Composed:
    clocks = sql.Identifier(schema, "sla_clocks")
    claims = sql.Identifier(schema, "sla_claims")
    if by_owner:
        open_runs = sql.SQL(_SELECT + _OPEN).format(clocks=clocks, claims=claims)
    else:
        earliest = sql.SQL(_EARLIEST_OPEN).format(clocks=clocks)
        open_runs = sql.SQL(_SELECT).format(clocks=earliest, claims=claims)
    return sql.SQL(_PAGE).format(
        open=open_runs,
        clocks=clocks,
        claims=claims,
        counts=sql.Identifier(schema, board_counts.TABLE),
    )


def clocks_for_claim(
    conn: Connection[Any],
    claim_id: UUID,
    now: datetime | None = None,
    due_soon: timedelta = DUE_SOON,
    schema: str = VIEWS_SCHEMA,
) -> list[SlaClock]:
    """Every run of the claim's clocks in the order they started, judged as of ``now``."""
    where = " WHERE c.claim_id = %(claim_id)s ORDER BY c.started_at, c.clock, c.run"
    params = {"claim_id": claim_id, "now": now or datetime.now(UTC), "due_soon": due_soon}
    return _fetch(conn, schema, where, params)


def breaches(
    conn: Connection[Any],
    since: datetime | None = None,
    now: datetime | None = None,
    schema: str = VIEWS_SCHEMA,
) -> list[SlaClock]:
    """Breaches as facts: runs the sweep recorded as breached, or that stopped late.

    ``since`` keeps the breaches whose due time (the moment of the breach) is at or
    after it. An open run past its due time appears once the sweep has recorded it.
    """
    where = """
     WHERE (c.breach_recorded_at IS NOT NULL OR c.stopped_at > c.due_at)
       AND (%(since)s::timestamptz IS NULL OR c.due_at >= %(since)s)
     ORDER BY c.due_at, c.claim_id, c.clock, c.run"""
    params = {"since": since, "now": now or datetime.now(UTC), "due_soon": DUE_SOON}
    return _fetch(conn, schema, where, params)


def _fetch(
    conn: Connection[Any], schema: str, where: str, params: dict[str, Any]
) -> list[SlaClock]:
    query = sql.SQL(_SELECT + where).format(
        clocks=sql.Identifier(schema, "sla_clocks"), claims=sql.Identifier(schema, "sla_claims")
    )
    with conn.cursor(row_factory=class_row(SlaClock)) as cur:
        return cur.execute(query, params).fetchall()
