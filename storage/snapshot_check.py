"""Checks the library's snapshots: each must be the one written, and match the claim's events.

Two checks: the snapshot's hash against the one the trigger recorded when it
was written (any changed byte), and — given the application — the snapshot
decoded and compared with the claim replayed from its events up to the same
version (a snapshot rewritten together with its recorded hash).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent as LibraryStoredEvent
from psycopg import Connection, sql
from psycopg.rows import tuple_row

from domain.integrity.faults import Fault, FaultKind
from domain.integrity.hashing import snapshot_hash
from storage.hash_chain import PAGE, LedgerTables

Replay = Callable[[UUID, int, str, bytes], str | None]
DECODING_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


def snapshot_replayer(application: Any) -> Replay:
    """Compares a stored snapshot with the aggregate replayed from its events."""

    def replay(originator_id: UUID, version: int, topic: str, state: bytes) -> str | None:
        stored = LibraryStoredEvent(originator_id, version, topic, state)
        try:
            from_snapshot = application.snapshots.mapper.to_domain_event(stored).mutate(None)
        except DECODING_ERRORS as error:
            return f"version {version} cannot be decoded ({type(error).__name__})"
        aggregate = None
        for event in application.events.get(originator_id, lte=version):
            aggregate = event.mutate(aggregate)
        if aggregate is None or vars(aggregate) != vars(from_snapshot):
            return f"version {version} differs from the claim's events replayed to it"
        return None

    return replay


def check_snapshots(
    conn: Connection[Any], tables: LedgerTables, replay: Replay | None = None
) -> tuple[Fault | None, int]:
    """The first bad snapshot (or None) and how many snapshots were checked."""
    if tables.snapshots is None:
        return None, 0
    query = sql.SQL(
        "SELECT s.originator_id, s.originator_version, s.topic, s.state, h.snapshot_hash "
        "FROM {} s LEFT JOIN ledger.snapshot_hashes h "
        "USING (originator_id, originator_version) ORDER BY 1, 2"
    ).format(tables.snapshots_id())
    checked = 0
    with conn.cursor("ledger_snapshots", row_factory=tuple_row) as cur:
        cur.itersize = PAGE
        for originator_id, version, topic, raw, recorded in cur.execute(query):
            checked += 1
            state = bytes(raw or b"")
            if recorded is None:
                detail = f"version {version} was not written by the ledger"
                return Fault(FaultKind.SNAPSHOT_FORGED, None, originator_id, detail), checked
            if snapshot_hash(originator_id, version, topic or "", state) != bytes(recorded):
                detail = f"version {version} differs from the snapshot written"
                return Fault(FaultKind.SNAPSHOT_MODIFIED, None, originator_id, detail), checked
            problem = replay(originator_id, version, topic or "", state) if replay else None
            if problem is not None:
                return Fault(FaultKind.SNAPSHOT_MODIFIED, None, originator_id, problem), checked
    return None, checked
