"""Which month a report opens on: the latest month in which a claim was reported."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import tuple_row

from domain.claim import BUSINESS_TZ

LATEST = "SELECT max(created_at) AS latest FROM views.claims"


def latest_month_with_claims(conn: Connection[Any]) -> date | None:
    """The first day of the latest month (China time) with a reported claim; None when
    there is no claim yet."""
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(LATEST).fetchone()
    latest: datetime | None = row[0] if row is not None else None
    if latest is None:
        return None
    return latest.astimezone(BUSINESS_TZ).date().replace(day=1)
