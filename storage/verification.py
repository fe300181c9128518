"""Verifies the ledger (all of it, or a range) and records each run's outcome.

Reads in one REPEATABLE READ, READ ONLY transaction (one consistent view of
the log while writers go on), page by page through server-side cursors, from
the last signed checkpoint at or before the range's start: nothing unsigned is
trusted as a starting point. After the chain, it checks that the log is still
as long as its checkpoints, earlier runs and (when given) the head kept outside
the database say it was (``storage.ledger_completeness``): whatever range was
asked, as a cut tail lies beyond any range.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg import Connection

from domain.integrity.checker import ChainChecker, Pair
from domain.integrity.checkpoints import SignedCheckpoint
from domain.integrity.faults import Fault, FaultKind, VerificationReport
from storage.checkpoint_store import checkpoints_between, latest_checkpoint
from storage.hash_chain import LedgerTables, log_head, lookup_entry, stream_pairs
from storage.ledger_completeness import completeness_fault
from storage.snapshot_check import Replay, check_snapshots

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 5000


def _counted(pairs: Iterable[Pair], progress: Progress, after: int, upto: int) -> Iterator[Pair]:
    total = max(upto - after, 0)
    for n, pair in enumerate(pairs, start=1):
        if n % PROGRESS_EVERY == 0:
            event, entry = pair
            position = event.position if event is not None else entry.position  # type: ignore[union-attr]
            progress(position - after, total)
        yield pair
    progress(total, total)


def verify_ledger(
    conn: Connection[Any],
    tables: LedgerTables,
    public_key: Ed25519PublicKey,
    from_position: int | None = None,
    to_position: int | None = None,
    progress: Progress | None = None,
    replay: Replay | None = None,
    expected_head: SignedCheckpoint | None = None,
) -> VerificationReport:
    """Checks positions ``from_position..to_position`` (default: everything), then records it.

    ``expected_head``: a checkpoint kept outside the database (``sanbao ledger
    head``) that the ledger must still hold.
    """
    started_at, started = datetime.now(UTC), time.perf_counter()
    snapshots = 0
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        head = log_head(conn, tables)
        upto = head if to_position is None else min(to_position, head)
        anchor = latest_checkpoint(conn, max((from_position or 1) - 1, 0))
        checker = ChainChecker(public_key, anchor, partial(lookup_entry, conn))
        after = checker.position
        fault: Fault | None = None
        if anchor is not None and not anchor.signed_by(public_key):
            detail = f"checkpoint #{anchor.body.seq} is not signed by the ledger's key"
            fault = Fault(FaultKind.BAD_SIGNATURE, anchor.body.position, None, detail)
        else:
            pairs: Iterable[Pair] = stream_pairs(conn, tables, after, upto)
            if progress is not None:
                pairs = _counted(pairs, progress, after, upto)
            fault = checker.run(pairs, checkpoints_between(conn, after, upto))
        if fault is None:
            fault = completeness_fault(conn, head, public_key, expected_head)
        whole = from_position in (None, 0, 1) and upto == head
        if fault is None and whole:
            fault, snapshots = check_snapshots(conn, tables, replay)
    report = VerificationReport(
        from_position=after,
        to_position=upto,
        checked=checker.checked,
        last_good=checker.position,
        head_hash=checker.log_hash.hex(),
        signed_up_to=checker.signed_up_to,
        fault=fault,
        seconds=time.perf_counter() - started,
        snapshots_checked=snapshots,
    )
    record_verification(conn, report, started_at)
    return report


def record_verification(
    conn: Connection[Any], report: VerificationReport, started_at: datetime
) -> None:
    """Stores the run's outcome (the console shows the latest)."""
    fault = report.fault
    with conn.transaction():
        conn.execute(
            "INSERT INTO ledger.verifications (started_at, finished_at, from_position, to_position,"
            " checked, intact, last_good, head_hash, signed_up_to, fault_kind, fault_position,"
            " fault_claim, fault_detail, events_per_second)"
            " VALUES (%s, now(), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                started_at,
                report.from_position,
                report.to_position,
                report.checked,
                report.intact,
                report.last_good,
                report.head_hash,
                report.signed_up_to,
                fault.kind.value if fault else None,
                fault.position if fault else None,
                fault.claim_id if fault else None,
                fault.detail if fault else None,
                report.events_per_second,
            ),
        )
