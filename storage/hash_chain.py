"""Installs the hash chain on the library's event tables, and reads the chain back.

The eventsourcing library creates its tables when the ledger opens, after the
read-model migrations ran; migration 0008 therefore only defines the chain's
tables and functions, and ``install_chain`` attaches the triggers (chaining
any events written before) every time the ledger opens — a no-op once done.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import tuple_row

from domain.integrity.checker import ChainEntry, Pair, StoredEvent

PAGE = 5000


@dataclass(frozen=True)
class LedgerTables:
    """The library's tables for the ledger: events, and snapshots when enabled."""

    events: str
    snapshots: str | None = None
    schema: str = "public"

    @classmethod
    def of(cls, application: Any) -> LedgerTables:
        """The tables of an eventsourcing application (e.g. ``ClaimsLedger``)."""
        recorder = application.recorder
        snapshots = (
            application.snapshots.recorder.events_table_name if application.snapshots else None
        )
        return cls(recorder.events_table_name, snapshots, recorder.datastore.schema or "public")

    def events_id(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.events)

    def snapshots_id(self) -> sql.Identifier:
        assert self.snapshots is not None
        return sql.Identifier(self.schema, self.snapshots)


def install_chain(conn: Connection[Any], tables: LedgerTables) -> int:
    """Attaches the chain's triggers; returns how many earlier events it chained."""
    snapshots = f"{tables.schema}.{tables.snapshots}" if tables.snapshots else None
    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            "SELECT ledger.attach(%s::regclass, %s::regclass)",
            (f"{tables.schema}.{tables.events}", snapshots),
        ).fetchone()
    return int(row[0]) if row else 0


def chain_head(conn: Connection[Any]) -> tuple[int, bytes | None]:
    """The last chained position and its log hash ((0, None) for an empty log)."""
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            "SELECT notification_id, log_hash FROM ledger.chain "
            "ORDER BY notification_id DESC LIMIT 1"
        ).fetchone()
    return (int(row[0]), bytes(row[1])) if row else (0, None)


def log_head(conn: Connection[Any], tables: LedgerTables) -> int:
    """The highest position in the events table or the chain (either may have been cut)."""
    query = sql.SQL(
        "SELECT greatest((SELECT max(notification_id) FROM {}), "
        "(SELECT max(notification_id) FROM ledger.chain), 0)"
    ).format(tables.events_id())
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(query).fetchone()
    return int(row[0]) if row else 0


CHAIN_COLUMNS = sql.SQL(
    "c.notification_id, c.originator_id, c.originator_version, c.event_hash, c.claim_hash, "
    "c.log_hash, p.claim_hash FROM ledger.chain c LEFT JOIN ledger.chain p "
    "ON p.originator_id = c.originator_id AND p.originator_version = c.originator_version - 1"
)


def chain_entry(row: tuple[Any, ...]) -> ChainEntry:
    previous = bytes(row[6]) if row[6] is not None else None
    return ChainEntry(row[0], row[1], row[2], bytes(row[3]), bytes(row[4]), bytes(row[5]), previous)


def lookup_entry(conn: Connection[Any], originator_id: UUID, version: int) -> ChainEntry | None:
    """The chain's entry for one claim version, wherever it stands."""
    query = sql.SQL("SELECT {} WHERE c.originator_id = %s AND c.originator_version = %s").format(
        CHAIN_COLUMNS
    )
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(query, (originator_id, version)).fetchone()
    return chain_entry(row) if row else None


def stored_events(
    conn: Connection[Any], tables: LedgerTables, after: int, upto: int
) -> Iterator[StoredEvent]:
    """The event rows at positions in ``(after, upto]``, in order (a server-side cursor)."""
    query = sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
        "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id"
    ).format(tables.events_id())
    with conn.cursor("ledger_events", row_factory=tuple_row, binary=True) as cur:
        cur.itersize = PAGE
        for row in cur.execute(query, (after, upto)):
            yield StoredEvent(row[0], row[1], row[2], row[3] or "", bytes(row[4] or b""))


def _chain(conn: Connection[Any], after: int, upto: int) -> Iterator[ChainEntry]:
    query = sql.SQL(
        "SELECT {} WHERE c.notification_id > %s AND c.notification_id <= %s "
        "ORDER BY c.notification_id"
    ).format(CHAIN_COLUMNS)
    with conn.cursor("ledger_chain", row_factory=tuple_row, binary=True) as cur:
        cur.itersize = PAGE
        for row in cur.execute(query, (after, upto)):
            yield chain_entry(row)


def stream_pairs(
    conn: Connection[Any], tables: LedgerTables, after: int, upto: int
) -> Iterator[Pair]:
    """(event row, chain entry) per position in ``(after, upto]``, merged in position order.

    Two server-side cursors, read page by page: memory stays bounded whatever
    the range. Call inside a transaction (named cursors live in one).
    """
    events, chain = stored_events(conn, tables, after, upto), _chain(conn, after, upto)
    event, entry = next(events, None), next(chain, None)
    while event is not None or entry is not None:
        if entry is None or (event is not None and event.position < entry.position):
            yield event, None
            event = next(events, None)
        elif event is None or entry.position < event.position:
            yield None, entry
            entry = next(chain, None)
        else:
            yield event, entry
            event, entry = next(events, None), next(chain, None)
