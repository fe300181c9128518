"""Writes a ledger dump (``domain.integrity.ledger_dump``): every event up to a signed checkpoint.

The rows up to the checkpoint's position are fixed once it is signed (the log
is append-only and positions are issued in commit order), so they are read in
one plain transaction. The log hash is recomputed as they are written: a dump
of a ledger whose rows no longer match their signed checkpoint is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg import Connection
from psycopg.rows import tuple_row

from domain.integrity.checkpoints import SignedCheckpoint, public_key_b64
from domain.integrity.ledger_dump import (
    DumpLog,
    DumpRow,
    DumpTrailer,
    header_line,
    row_line,
    trailer_line,
)
from storage.hash_chain import PAGE, LedgerTables


def dump_rows(conn: Connection[Any], tables: LedgerTables, upto: int) -> Iterator[DumpRow]:
    """The stored events up to ``upto``, in ledger order (a server-side cursor)."""
    query = (
        "SELECT notification_id, originator_id, originator_version, topic, state "
        f'FROM "{tables.schema}"."{tables.events}" WHERE notification_id <= %s '
        "ORDER BY notification_id"
    )
    with conn.cursor("ledger_dump", row_factory=tuple_row, binary=True) as cur:
        cur.itersize = PAGE
        for position, originator_id, version, topic, state in cur.execute(query, (upto,)):
            yield position, originator_id, version, topic or "", bytes(state or b"")


def write_dump(
    conn: Connection[Any],
    tables: LedgerTables,
    signed: SignedCheckpoint,
    public_key: Ed25519PublicKey,
    out: IO[bytes],
) -> int:
    """Writes the dump cut at ``signed`` to ``out``; returns the events written.

    DumpRefusedError when the stored rows do not hash to the signed checkpoint.
    """
    log = DumpLog()
    with conn.transaction():
        out.write(header_line())
        for number, row in enumerate(dump_rows(conn, tables, signed.body.position), start=2):
            log.add(row, number)
            out.write(row_line(row))
    trailer = DumpTrailer(signed, public_key_b64(public_key), log.events)
    log.check(trailer, public_key)
    out.write(trailer_line(signed, trailer.public_key, log.events))
    return log.events
