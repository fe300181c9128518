"""Signed checkpoints of the log head: stored apart from the events, written after a check.

A checkpoint is only signed after the stretch of log it covers was checked
against the chain from the previous checkpoint on (so a tampered stretch is
never signed), and covers at most ``max_events`` entries, which keeps a claim's
proof (the Merkle paths of one stretch) small. Nothing is signed either while
the log is shorter than its checkpoints or earlier verifications say it was
(``storage.ledger_completeness``): signing on would hide the cut. Writers take an advisory lock:
the service's background task and ``sanbao ledger checkpoint`` may run at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg import Connection
from psycopg.rows import tuple_row

from domain.integrity.checker import ChainChecker
from domain.integrity.checkpoints import CheckpointBody, SignedCheckpoint, sign
from domain.integrity.faults import Fault, FaultKind, LedgerIntegrityError
from storage.hash_chain import LedgerTables, chain_head, log_head, lookup_entry, stream_pairs
from storage.ledger_completeness import completeness_fault

CHECKPOINT_LOCK = 0x53424C43  # "SBLC": one checkpoint writer at a time, across processes
COLUMNS = "body, signature FROM ledger.checkpoints"


def signed_checkpoint(row: tuple[Any, ...]) -> SignedCheckpoint:
    return SignedCheckpoint(CheckpointBody.parse(row[0]), row[0], bytes(row[1]))


def latest_checkpoint(
    conn: Connection[Any], at_or_before: int | None = None
) -> SignedCheckpoint | None:
    """The last checkpoint (at or before a position, when given)."""
    bound = 2**62 if at_or_before is None else at_or_before
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            f"SELECT {COLUMNS} WHERE position <= %s ORDER BY position DESC LIMIT 1", (bound,)
        ).fetchone()
    return signed_checkpoint(row) if row else None


def checkpoints_between(conn: Connection[Any], after: int, upto: int) -> Iterator[SignedCheckpoint]:
    """Checkpoints with positions in ``(after, upto]``, in order (a server-side cursor)."""
    with conn.cursor("ledger_checkpoints", row_factory=tuple_row) as cur:
        query = f"SELECT {COLUMNS} WHERE position > %s AND position <= %s ORDER BY position"
        for row in cur.execute(query, (after, upto)):
            yield signed_checkpoint(row)


def covering_checkpoint(conn: Connection[Any], position: int) -> SignedCheckpoint | None:
    """The first checkpoint at or after ``position`` (the one whose stretch holds it)."""
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            f"SELECT {COLUMNS} WHERE position >= %s ORDER BY position LIMIT 1", (position,)
        ).fetchone()
    return signed_checkpoint(row) if row else None


def _stretch_end(conn: Connection[Any], after: int, max_events: int) -> int:
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            "SELECT max(notification_id) FROM (SELECT notification_id FROM ledger.chain "
            "WHERE notification_id > %s ORDER BY notification_id LIMIT %s) AS stretch",
            (after, max_events),
        ).fetchone()
    return int(row[0]) if row and row[0] is not None else after


def write_checkpoints(
    conn: Connection[Any],
    tables: LedgerTables,
    key: Ed25519PrivateKey,
    max_events: int = 10_000,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[CheckpointBody]:
    """Signs checkpoints up to the chain head; LedgerIntegrityError if a stretch is tampered."""
    written: list[CheckpointBody] = []
    public_key = key.public_key()
    while True:
        with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
            locked = cur.execute("SELECT pg_try_advisory_xact_lock(%s)", (CHECKPOINT_LOCK,))
            if not locked.fetchone()[0]:  # type: ignore[index]
                return written
            last = latest_checkpoint(conn)
            if last is not None and not last.signed_by(public_key):
                detail = f"checkpoint #{last.body.seq} is not signed by this ledger's key"
                raise LedgerIntegrityError(
                    Fault(FaultKind.BAD_SIGNATURE, last.body.position, None, detail)
                )
            if not written:  # once per call: later stretches follow what was just checked
                fault = completeness_fault(conn, log_head(conn, tables), public_key)
                if fault is not None:
                    raise LedgerIntegrityError(fault)
            after = last.body.position if last else 0
            if chain_head(conn)[0] <= after:
                return written
            upto = _stretch_end(conn, after, max_events)
            checker = ChainChecker(public_key, last, partial(lookup_entry, conn))
            fault = checker.run(stream_pairs(conn, tables, after, upto), iter(()))
            if fault is not None:
                raise LedgerIntegrityError(fault)
            signed = sign(checker.next_body(now().isoformat()), key)
            cur.execute(
                "INSERT INTO ledger.checkpoints (seq, position, body, signature) "
                "VALUES (%s, %s, %s, %s)",
                (signed.body.seq, signed.body.position, signed.text, signed.signature),
            )
            written.append(signed.body)
