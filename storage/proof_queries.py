"""Gathers one claim's proof: its stored rows, chain entries and covering checkpoints."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import tuple_row

from domain.errors import ClaimNotFoundError
from domain.integrity.checker import ChainEntry, StoredEvent
from domain.integrity.faults import Fault, FaultKind, LedgerIntegrityError
from domain.integrity.hashing import event_hash, merkle_leaf
from domain.integrity.proof import Segment, proof_document
from storage.checkpoint_store import covering_checkpoint
from storage.hash_chain import CHAIN_COLUMNS, LedgerTables, chain_entry


def claim_rows(
    conn: Connection[Any], tables: LedgerTables, claim_id: UUID
) -> list[tuple[StoredEvent, ChainEntry]]:
    """The claim's stored events in version order, each with its chain entry (checked)."""
    query = sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
        "WHERE originator_id = %s ORDER BY originator_version"
    ).format(tables.events_id())
    chain_query = sql.SQL(
        "SELECT {} WHERE c.originator_id = %s ORDER BY c.originator_version"
    ).format(CHAIN_COLUMNS)
    with conn.cursor(row_factory=tuple_row) as cur:
        events = [
            StoredEvent(r[0], r[1], r[2], r[3] or "", bytes(r[4] or b""))
            for r in cur.execute(query, (claim_id,))
        ]
        entries = {r[0]: chain_entry(r) for r in cur.execute(chain_query, (claim_id,))}
    rows = []
    for event in events:
        entry = entries.get(event.position)
        digest = event_hash(event.originator_id, event.version, event.topic, event.state)
        if (
            entry is None
            or entry.event_hash != digest
            or entry.originator_id != event.originator_id
        ):
            detail = f"version {event.version} does not match the chain"
            raise LedgerIntegrityError(Fault(FaultKind.MODIFIED, event.position, claim_id, detail))
        rows.append((event, entry))
    if len(entries) != len(events):
        missing = sorted(set(entries) - {event.position for event, _ in rows})
        detail = f"{len(missing)} chained event(s) are gone from the events table"
        position = missing[0] if missing else None
        raise LedgerIntegrityError(Fault(FaultKind.MISSING, position, claim_id, detail))
    return rows


def _segment(conn: Connection[Any], position: int) -> Segment | None:
    signed = covering_checkpoint(conn, position)
    if signed is None:
        return None
    with conn.cursor(row_factory=tuple_row) as cur:
        entries = cur.execute(
            "SELECT notification_id, event_hash FROM ledger.chain "
            "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id",
            (signed.body.from_position, signed.body.position),
        ).fetchall()
    positions = [int(p) for p, _ in entries]
    return Segment(signed, positions, [merkle_leaf(p, bytes(h)) for p, h in entries])


def claim_proof(conn: Connection[Any], tables: LedgerTables, claim_id: UUID) -> dict[str, Any]:
    """The proof document of a claim whose events are all under a checkpoint.

    ClaimNotFoundError for a claim without events; LedgerIntegrityError when the
    claim's rows no longer match the chain, or its last events are not yet
    covered by a checkpoint (write one first).
    """
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        rows = claim_rows(conn, tables, claim_id)
        if not rows:
            raise ClaimNotFoundError(claim_id)
        segments: list[Segment] = []
        for event, _ in rows:
            if any(
                s.checkpoint.body.from_position < event.position <= s.checkpoint.body.position
                for s in segments
            ):
                continue
            segment = _segment(conn, event.position)
            if segment is None:
                detail = "not yet covered by a signed checkpoint"
                raise LedgerIntegrityError(
                    Fault(FaultKind.CHECKPOINT_MISMATCH, event.position, claim_id, detail)
                )
            segments.append(segment)
    return proof_document(claim_id, rows, segments)
