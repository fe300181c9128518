"""The ledger's integrity at a glance: the last verification, the head, the last checkpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Connection
from psycopg.rows import tuple_row

from storage.hash_chain import chain_head


@dataclass(frozen=True)
class LastVerification:
    finished_at: datetime
    from_position: int
    to_position: int
    checked: int
    intact: bool
    last_good: int
    head_hash: str
    signed_up_to: int | None
    fault_kind: str | None
    fault_position: int | None
    fault_claim: UUID | None
    fault_detail: str | None
    events_per_second: float


@dataclass(frozen=True)
class IntegrityStatus:
    """What the console shows: the chain head, the last checkpoint and the last run's outcome."""

    head_position: int
    head_hash: str | None
    checkpoint_seq: int | None
    checkpoint_position: int | None
    checkpoint_at: datetime | None
    last_verification: LastVerification | None


def latest_integrity_status(conn: Connection[Any]) -> IntegrityStatus:
    """The ledger's integrity status (reads only the ledger schema's tables)."""
    position, log_hash = chain_head(conn)
    with conn.cursor(row_factory=tuple_row) as cur:
        checkpoint = cur.execute(
            "SELECT seq, position, created_at FROM ledger.checkpoints ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        run = cur.execute(
            "SELECT finished_at, from_position, to_position, checked, intact, last_good, head_hash,"
            " signed_up_to, fault_kind, fault_position, fault_claim, fault_detail,"
            " events_per_second"
            " FROM ledger.verifications ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return IntegrityStatus(
        head_position=position,
        head_hash=log_hash.hex() if log_hash else None,
        checkpoint_seq=checkpoint[0] if checkpoint else None,
        checkpoint_position=checkpoint[1] if checkpoint else None,
        checkpoint_at=checkpoint[2] if checkpoint else None,
        last_verification=LastVerification(*run) if run else None,
    )
