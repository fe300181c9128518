"""The history of ledger verifications (``ledger.verifications``), newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import class_row

HISTORY_LENGTH = 20


@dataclass(frozen=True)
class PastVerification:
    """One verification run: when it ended, what it checked and what it found."""

    finished_at: datetime
    from_position: int
    to_position: int
    checked: int
    intact: bool
    fault_kind: str | None
    fault_position: int | None


def recent_verifications(
    conn: Connection[Any], limit: int = HISTORY_LENGTH
) -> list[PastVerification]:
    """The latest ``limit`` verification runs, newest first."""
    with conn.cursor(row_factory=class_row(PastVerification)) as cur:
        return cur.execute(
            "SELECT finished_at, from_position, to_position, checked, intact, fault_kind,"
            " fault_position FROM ledger.verifications ORDER BY id DESC LIMIT %s",
            (limit,),
        ).fetchall()
