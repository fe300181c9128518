"""Each claim's priority and region, for pages that list SLA clocks (the SLA board)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import Connection
from psycopg.rows import class_row


@dataclass(frozen=True)
class ClaimTriage:
    claim_id: UUID
    priority: str
    region: str | None


def triage_of(conn: Connection[Any], claim_ids: Iterable[UUID]) -> dict[UUID, ClaimTriage]:
    """The priority and region of each claim asked for, in one query (none for no claim)."""
    wanted = list(dict.fromkeys(claim_ids))
    if not wanted:
        return {}
    with conn.cursor(row_factory=class_row(ClaimTriage)) as cur:
        rows = cur.execute(
            "SELECT claim_id, priority, region FROM views.claims WHERE claim_id = ANY(%s)",
            (wanted,),
        ).fetchall()
    return {row.claim_id: row for row in rows}
