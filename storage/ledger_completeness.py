"""Is the ledger still as long as it was? Cuts and deletions the chain alone cannot see.

The hash chain proves each stored entry follows from the one before; it says
nothing about entries cut from the end, with their chain rows. These checks
compare the log with what vouched for its length before:

- the signed checkpoints: none may lie beyond the log's head, and their
  sequence numbers run 1, 2, … with no gap (each checkpoint also names the
  previous one's digest, which the streaming check follows);
- the earlier verification runs (append-only): every checkpoint a run saw must
  still be there, and every position a run found intact must still hold the
  log hash it found;
- the head an auditor kept outside the database (``sanbao ledger head``): the
  ledger must still hold that checkpoint, exactly as signed.

The newest checkpoints deleted together with the verification runs that saw
them (which needs a role able to disable triggers) leave no trace inside the
database: only the head kept outside shows it.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg import Connection
from psycopg.rows import tuple_row

from domain.integrity.checkpoints import SignedCheckpoint
from domain.integrity.faults import Fault, FaultKind


def checkpoints_fault(conn: Connection[Any], head: int) -> Fault | None:
    """A checkpoint beyond the log's head, or a gap in the checkpoints' sequence."""
    with conn.cursor(row_factory=tuple_row) as cur:
        beyond = cur.execute(
            "SELECT seq, position FROM ledger.checkpoints WHERE position > %s "
            "ORDER BY position LIMIT 1",
            (head,),
        ).fetchone()
        if beyond is not None:
            detail = (
                f"checkpoint #{beyond[0]} was signed at position {beyond[1]}, beyond the log's "
                f"head {head}: the log was cut"
            )
            return Fault(FaultKind.TRUNCATED, head, None, detail)
        gap = cur.execute(
            "SELECT seq FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n "
            "FROM ledger.checkpoints) AS numbered WHERE seq <> n ORDER BY seq LIMIT 1"
        ).fetchone()
        if gap is not None:
            previous = cur.execute(
                "SELECT coalesce(max(seq), 0) FROM ledger.checkpoints WHERE seq < %s", (gap[0],)
            ).fetchone()
            first = int(previous[0]) + 1 if previous else 1
            missing = f"#{first}" + (f"..#{gap[0] - 1}" if gap[0] - 1 > first else "")
            detail = f"checkpoint {missing} before checkpoint #{gap[0]} is missing (deleted)"
            return Fault(FaultKind.CHECKPOINT_MISSING, None, None, detail)
    return None


def history_fault(conn: Connection[Any], head: int) -> Fault | None:
    """A checkpoint an earlier verification saw that is gone, or a position it found intact."""
    with conn.cursor(row_factory=tuple_row) as cur:
        gone = cur.execute(
            "SELECT v.signed_up_to, v.finished_at FROM ledger.verifications v "
            "WHERE v.intact AND v.signed_up_to > 0 AND NOT EXISTS "
            "(SELECT 1 FROM ledger.checkpoints c WHERE c.position = v.signed_up_to) "
            "ORDER BY v.signed_up_to DESC LIMIT 1"
        ).fetchone()
        if gone is not None:
            detail = (
                f"the checkpoint at position {gone[0]}, seen by the verification of "
                f"{gone[1]:%Y-%m-%d %H:%M:%S %Z}, is gone (deleted)"
            )
            return Fault(FaultKind.CHECKPOINT_MISSING, int(gone[0]), None, detail)
        changed = cur.execute(
            "SELECT v.last_good, v.finished_at, c.log_hash IS NULL FROM ledger.verifications v "
            "LEFT JOIN ledger.chain c ON c.notification_id = v.last_good "
            "WHERE v.intact AND v.last_good > 0 "
            "AND (c.log_hash IS NULL OR encode(c.log_hash, 'hex') <> v.head_hash) "
            "ORDER BY v.last_good LIMIT 1"
        ).fetchone()
    if changed is None:
        return None
    position, when, cut = int(changed[0]), changed[1], bool(changed[2])
    verified = f"verified intact on {when:%Y-%m-%d %H:%M:%S %Z}"
    if cut and position > head:
        detail = f"position {position} was {verified}; the log now ends at {head}: it was cut"
        return Fault(FaultKind.TRUNCATED, head, None, detail)
    if cut:
        detail = f"position {position} was {verified}; its chain entry is gone"
        return Fault(FaultKind.MISSING, position, None, detail)
    detail = f"the log hash at position {position} differs from the one {verified}"
    return Fault(FaultKind.CHAIN_ALTERED, position, None, detail)


def expected_head_fault(
    conn: Connection[Any], expected: SignedCheckpoint, public_key: Ed25519PublicKey
) -> Fault | None:
    """The ledger no longer holds the head an auditor kept (or the head is not its own)."""
    body = expected.body
    if not expected.signed_by(public_key):
        detail = f"the expected head (checkpoint #{body.seq}) is not signed by the ledger's key"
        return Fault(FaultKind.HEAD_MISSING, body.position, None, detail)
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            "SELECT body FROM ledger.checkpoints WHERE seq = %s", (body.seq,)
        ).fetchone()
    if row is None:
        detail = (
            f"the expected head, checkpoint #{body.seq} at position {body.position}, is no "
            "longer in the ledger (checkpoints deleted, or the log cut)"
        )
        return Fault(FaultKind.HEAD_MISSING, body.position, None, detail)
    if row[0] != expected.text:
        detail = (
            f"the ledger's checkpoint #{body.seq} differs from the expected head "
            f"(position {body.position}): checkpoints were deleted and signed again"
        )
        return Fault(FaultKind.HEAD_MISSING, body.position, None, detail)
    return None


def completeness_fault(
    conn: Connection[Any],
    head: int,
    public_key: Ed25519PublicKey,
    expected: SignedCheckpoint | None = None,
) -> Fault | None:
    """The first of the checks above to fail (None: the ledger is as long as it was)."""
    fault = checkpoints_fault(conn, head) or history_fault(conn, head)
    if fault is None and expected is not None:
        fault = expected_head_fault(conn, expected, public_key)
    return fault
