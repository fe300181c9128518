"""Reads of the audit trail: events across claims by claim, actor, type and period.

Pages are keyset pages on the ledger position: pass the last row's position as
``after_position`` to read the next page. Unlike OFFSET, a page costs the same
however deep it is and never skips or repeats a row while new events arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import class_row

from storage.where import where_given

MAX_LIMIT = 1000


@dataclass(frozen=True)
class AuditRow:
    """One event as the audit trail shows it (the payload holds no personal data)."""

    position: int
    claim_id: UUID
    claim_number: str
    version: int
    event_type: str
    actor: str
    role: str
    occurred_at: datetime
    recorded_at: datetime
    summary: str
    payload: dict[str, Any]


def search_audit(
    conn: Connection[Any],
    claim_id: UUID | None = None,
    actor: str | None = None,
    event_type: str | None = None,
    recorded_from: datetime | None = None,
    recorded_to: datetime | None = None,
    after_position: int | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """Audit rows matching every filter given, in ledger order, at most ``limit`` of them.

    The period is half-open on the recorded time: ``recorded_from <= recorded_at <
    recorded_to``. ``limit`` is capped at 1000.
    """
    filters = {
        "claim_id = %s": claim_id,
        "actor = %s": actor,
        "event_type = %s": event_type,
        "recorded_at >= %s": recorded_from,
        "recorded_at < %s": recorded_to,
        "position > %s": after_position,
    }
    where, params = where_given(filters)
    query = sql.SQL(
        "SELECT position, claim_id, claim_number, version, event_type, actor, role, "
        "occurred_at, recorded_at, summary, payload FROM views.audit_trail "
        "WHERE {} ORDER BY position LIMIT %s"
    ).format(where)
    bounded = max(1, min(limit, MAX_LIMIT))
    with conn.cursor(row_factory=class_row(AuditRow)) as cur:
        return cur.execute(query, (*params, bounded)).fetchall()
