"""Restores a ledger dump into the events table, trusting its rows once their hashes check out.

No row is decoded or re-encoded: the stored bytes are COPYed as they were
dumped, so every event keeps its event hash and every claim its chain of claim
hashes. The whole restore is one transaction under the event store's table
lock; the rows' log hash (at their dumped positions) must equal the signed
checkpoint's, and that checkpoint must carry the trusted key's signature,
before it commits. Anything else (a changed, missing or extra row, a foreign
signature, an aggregate already in the ledger) rolls everything back. The
rows take the next positions of this ledger (the chain trigger links them as
any append), so a dump can be restored into a ledger that already holds other
aggregates.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import IntegrityError
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from domain.application import ClaimsLedger
from domain.integrity.ledger_dump import (
    DumpLog,
    DumpRefusedError,
    DumpRow,
    DumpTrailer,
    check_header,
    parse_row,
)
from storage.event_import import EventWriter

BLOCK_ROWS = 1_000  # rows per write: the database inserts one block while the next is read
BLOCKS_PER_COPY = 10  # blocks per COPY statement (each fires the chain trigger once)


def read_trailer(path: Path) -> DumpTrailer:
    """The dump's last line (its signed checkpoint), read from the end of the file."""
    with path.open("rb") as dump:
        check_header(dump.readline())
        size = dump.seek(0, 2)
        dump.seek(max(size - 4096, 0))
        lines = [line for line in dump.read().splitlines() if line.strip()]
    if not lines or not lines[-1].lstrip().startswith(b"{"):
        raise DumpRefusedError("no_trailer")
    try:
        trailer = parse_row(lines[-1], 0)
    except DumpRefusedError as refused:
        raise DumpRefusedError("bad_trailer", error=refused.details["error"]) from None
    assert isinstance(trailer, DumpTrailer)  # a line holding an object parses as one
    return trailer


COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # binary COPY, no flags
COPY_END = struct.pack("!h", -1)
_ROW_START = struct.Struct("!hi16siqi")  # 4 fields; uuid (16 bytes); int8; the topic's length
_LENGTH = struct.Struct("!i")


@lru_cache(maxsize=256)
def _utf8(topic: str) -> bytes:
    return topic.encode()


def binary_copy_rows(rows: Iterable[tuple[UUID, int, str, bytes]]) -> bytes:
    """Event rows in COPY's binary format (originator_id, originator_version, topic, state)."""
    parts = []
    for originator_id, version, topic, state in rows:
        encoded = _utf8(topic)
        parts.append(_ROW_START.pack(4, 16, originator_id.bytes, 8, version, len(encoded)))
        parts += (encoded, _LENGTH.pack(len(state)), state)
    return b"".join(parts)


def _row_blocks(lines: Iterable[bytes], log: DumpLog) -> Iterator[list[DumpRow]]:
    """The rows after the header, checked into ``log``, in blocks of BLOCK_ROWS."""
    rows: list[DumpRow] = []
    ended = False
    for number, line in enumerate(lines, start=2):
        if ended:
            raise DumpRefusedError("malformed", line=number, error="after the trailer")
        item = parse_row(line, number)
        if isinstance(item, DumpTrailer):
            ended = True
            continue
        log.add(item, number)
        rows.append(item)
        if len(rows) == BLOCK_ROWS:
            yield rows
            rows = []
    if rows:
        yield rows


def restore_dump(
    ledger: ClaimsLedger,
    path: Path,
    trusted_key: Ed25519PublicKey,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Restores every event of the dump at ``path``; returns how many. DumpRefusedError if not."""
    trailer = read_trailer(path)
    if not trailer.signed.signed_by(trusted_key):
        raise DumpRefusedError("untrusted_signature", public_key=trailer.public_key)
    writer = EventWriter(ledger)
    copy_rows = sql.SQL(
        "COPY {} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
    ).format(writer.table)
    log = DumpLog()
    try:
        with path.open("rb") as lines, writer.datastore.transaction(commit=True) as cur:
            lines.readline()  # the header, checked by read_trailer
            for statement in writer.lock_statements:
                cur.execute(statement)
            blocks = _row_blocks(lines, log)
            for first in blocks:
                # A thread sends each block while the next is read and checked.
                with cur.copy(copy_rows, writer=QueuedLibpqWriter(cur)) as copy:
                    copy.write(COPY_HEADER)
                    for block in chain([first], islice(blocks, BLOCKS_PER_COPY - 1)):
                        copy.write(binary_copy_rows(row[1:] for row in block))
                    copy.write(COPY_END)
                if progress:
                    progress(log.events)
            log.check(trailer, trusted_key)
            cur.execute(sql.SQL("NOTIFY {}").format(writer.channel))
    except IntegrityError as error:
        raise DumpRefusedError("already_present", error=str(error).splitlines()[0]) from None
    if progress:
        progress(log.events)
    return log.events
