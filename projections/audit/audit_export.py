"""The audit trail cut at one moment, for export: the ledger head it was cut at, then its rows.

One REPEATABLE READ transaction reads the chain head, the last checkpoint and
the rows, so the head named in the export is the one its rows were read
against; rows above the head (none, unless the view ran ahead) are left out.
The rows come from the audit view, which may lag the head by a few events.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import class_row, tuple_row

from projections.audit.audit_queries import AuditRow
from storage.checkpoint_store import latest_checkpoint
from storage.hash_chain import PAGE, chain_head


@dataclass(frozen=True)
class ExportFilters:
    recorded_from: datetime | None = None  # inclusive
    recorded_to: datetime | None = None  # exclusive
    claim_number: str | None = None
    actor: str | None = None


@dataclass(frozen=True)
class ExportHead:
    """Where the export was cut: the chain head and the last signed checkpoint at or below it."""

    head_position: int
    head_hash: str | None
    checkpoint_seq: int | None
    checkpoint_position: int | None
    checkpoint_log_hash: str | None
    checkpoint_body: str | None
    checkpoint_signature: str | None
    rows: int


def _where(filters: ExportFilters, head: int) -> tuple[sql.Composable, list[Any]]:
    clauses = {
        "recorded_at >= %s": filters.recorded_from,
        "recorded_at < %s": filters.recorded_to,
        "claim_number = %s": filters.claim_number,
        "actor = %s": filters.actor,
        "position <= %s": head,
    }
    chosen = {clause: value for clause, value in clauses.items() if value is not None}
    return sql.SQL(" AND ").join(sql.SQL(c) for c in chosen), list(chosen.values())


def export_audit(conn: Connection[Any], filters: ExportFilters) -> Iterator[ExportHead | AuditRow]:
    """Yields the head first, then every matching audit row in ledger order (streamed)."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        position, log_hash = chain_head(conn)
        signed = latest_checkpoint(conn, position)
        where, params = _where(filters, position)
        with conn.cursor(row_factory=tuple_row) as cur:
            count = cur.execute(
                sql.SQL("SELECT count(*) FROM views.audit_trail WHERE {}").format(where), params
            ).fetchone()
        yield ExportHead(
            head_position=position,
            head_hash=log_hash.hex() if log_hash else None,
            checkpoint_seq=signed.body.seq if signed else None,
            checkpoint_position=signed.body.position if signed else None,
            checkpoint_log_hash=signed.body.log_hash if signed else None,
            checkpoint_body=signed.text if signed else None,
            checkpoint_signature=base64.b64encode(signed.signature).decode() if signed else None,
            rows=int(count[0]) if count else 0,
        )
        query = sql.SQL(
            "SELECT position, claim_id, claim_number, version, event_type, actor, role, "
            "occurred_at, recorded_at, summary, payload FROM views.audit_trail "
            "WHERE {} ORDER BY position"
        ).format(where)
        with conn.cursor("audit_export", row_factory=class_row(AuditRow)) as cur:
            cur.itersize = PAGE
            yield from cur.execute(query, params)
