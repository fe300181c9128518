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

from domain.integrity.checkpoints import SignedCheckpoint, public_key_b64
from domain.integrity.ledger_dump import (
    DumpLog,
    DumpRow,
    DumpTrailer,
    header_line,
    row_line,
    trailer_line,
)
from storage.hash_chain import LedgerTables, stored_events


def dump_rows(conn: Connection[Any], tables: LedgerTables, upto: int) -> Iterator[DumpRow]:
    """The stored events up to ``upto``, in ledger order."""
    for event in stored_events(conn, tables, 0, upto):
        yield event.position, event.originator_id, event.version, event.topic, event.state


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
