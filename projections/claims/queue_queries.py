"""A person's queue: the open claims assigned to them, most urgent first.

Most urgent means: overdue claims first (an open, unpaused SLA clock past its
due time), then by the earliest due time of an open clock (claims without one
last), then by priority (urgent, high, normal, low), then the oldest report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import class_row

from projections.engine.view import VIEWS_SCHEMA

QUEUE_LIMIT = 100  # a day's work and more; the page says when more are assigned


@dataclass(frozen=True)
class QueueRow:
    claim_id: UUID
    claim_number: str
    status: str
    kind: str
    priority: str
    description: str
    models: list[str]
    created_at: datetime
    clock: str | None
    due_at: datetime | None
    paused: bool
    overdue: bool


def my_queue(
    conn: Connection[Any],
    assignee: str,
    now: datetime,
    limit: int = QUEUE_LIMIT,
    schema: str = VIEWS_SCHEMA,
) -> list[QueueRow]:
    """The assignee's open claims, most urgent first, at most ``limit``."""
    query = sql.SQL(
        "SELECT c.claim_id, c.claim_number, c.status, c.kind, c.priority, c.description,"
        " c.models, c.created_at, s.clock, s.due_at, s.paused_since IS NOT NULL AS paused,"
        " coalesce(s.paused_since IS NULL AND s.due_at < %(now)s, false) AS overdue"
        " FROM {claims} c LEFT JOIN LATERAL (SELECT clock, due_at, paused_since FROM ("
        # Only the claim's own clocks by its key (a handful), whatever the statistics say:
        # conditions on stopped_at would invite the open clocks' index, read per claim.
        "   SELECT clock, due_at, paused_since, stopped_at FROM {clocks} s"
        "   WHERE s.claim_id = c.claim_id"
        "   ORDER BY s.stopped_at IS NOT NULL, s.paused_since IS NOT NULL, s.due_at, s.clock,"
        "   s.run LIMIT 1) first WHERE first.stopped_at IS NULL) s ON true"
        " WHERE c.assignee = %(assignee)s AND c.closed_at IS NULL"
        " ORDER BY overdue DESC, s.due_at NULLS LAST,"
        " array_position(ARRAY['urgent', 'high', 'normal', 'low'], c.priority),"
        " c.created_at, c.claim_id"
        " LIMIT %(limit)s"
    ).format(claims=sql.Identifier(schema, "claims"), clocks=sql.Identifier(schema, "sla_clocks"))
    params = {"assignee": assignee, "now": now, "limit": limit}
    with conn.cursor(row_factory=class_row(QueueRow)) as cur:
        return cur.execute(query, params).fetchall()
