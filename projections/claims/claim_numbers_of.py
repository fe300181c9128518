"""The claim numbers of a few claims by id, for pages that list rows naming claims by id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import tuple_row

from projections.engine.view import VIEWS_SCHEMA


def claim_numbers_of(
    conn: Connection[Any], claim_ids: Iterable[UUID], schema: str = VIEWS_SCHEMA
) -> dict[UUID, str]:
    """Each known claim's number by its id (one indexed query; unknown ids left out)."""
    ids = list(set(claim_ids))
    if not ids:
        return {}
    query = sql.SQL("SELECT claim_id, claim_number FROM {} WHERE claim_id = ANY(%s)").format(
        sql.Identifier(schema, "claims")
    )
    with conn.cursor(row_factory=tuple_row) as cur:
        return dict(cur.execute(query, (ids,)).fetchall())
