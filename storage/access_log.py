"""The access log (``privacy.access_log``): who saw which claim's personal data, and when.

``record_access`` inserts one row and commits it before it returns, so a caller
that sends personal data only after it returned never sends it unrecorded. It
takes the ledger's datastore (a pooled, autocommit connection is used) or a
connection that is not inside a transaction (a row still uncommitted when the
response leaves would not be a record). Pages are keyset pages, newest first:
pass the last row's id back as ``before_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection, sql
from psycopg.pq import TransactionStatus
from psycopg.rows import class_row

from storage.where import where_given

MAX_LIMIT = 1000
Disclosure = Literal["masked", "revealed"]
PERSONAL_FIELDS = ("name", "phone", "email", "address")


@dataclass(frozen=True)
class AccessRecord:
    """One response that carried a claim's personal data."""

    id: int
    accessed_at: datetime
    actor: str
    role: str
    claim_id: UUID
    customer_id: str | None
    fields: list[str]
    disclosure: str
    route: str
    request_id: str | None


INSERT = (
    "INSERT INTO privacy.access_log"
    " (actor, role, claim_id, customer_id, fields, disclosure, route, request_id)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    " RETURNING id, accessed_at, actor, role, claim_id, customer_id, fields, disclosure,"
    " route, request_id"
)


def record_access(
    conn_or_pool: PostgresDatastore | Connection[Any],
    actor: str,
    role: str,
    claim_id: UUID,
    fields: Sequence[str],
    route: str,
    *,
    disclosure: Disclosure = "revealed",
    customer_id: str | None = None,
    request_id: str | None = None,
) -> AccessRecord:
    """Records (and commits) that ``actor`` was shown ``fields`` of the claim's customer."""
    unknown = set(fields) - set(PERSONAL_FIELDS)
    if unknown or not fields:
        raise ValueError(f"fields must be some of {PERSONAL_FIELDS}, not {sorted(unknown)}")
    params = (actor, role, claim_id, customer_id, list(fields), disclosure, route, request_id)
    if isinstance(conn_or_pool, PostgresDatastore):
        with conn_or_pool.get_connection() as conn:
            return _insert(conn, params)
    if conn_or_pool.info.transaction_status is not TransactionStatus.IDLE:
        raise ValueError("record_access commits its row: pass a connection outside a transaction")
    with conn_or_pool.transaction():
        return _insert(conn_or_pool, params)


def _insert(conn: Connection[Any], params: tuple[Any, ...]) -> AccessRecord:
    with conn.cursor(row_factory=class_row(AccessRecord)) as cur:
        row = cur.execute(INSERT, params).fetchone()
    assert row is not None
    return row


def search_access_log(
    conn: Connection[Any],
    claim_id: UUID | None = None,
    actor: str | None = None,
    accessed_from: datetime | None = None,
    accessed_to: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AccessRecord]:
    """Rows matching every filter given, newest first, at most ``limit`` (capped at 1000).

    The period is half-open: ``accessed_from <= accessed_at < accessed_to``.
    """
    filters = {
        "claim_id = %s": claim_id,
        "actor = %s": actor,
        "accessed_at >= %s": accessed_from,
        "accessed_at < %s": accessed_to,
        "id < %s": before_id,
    }
    where, params = where_given(filters)
    query = sql.SQL(
        "SELECT id, accessed_at, actor, role, claim_id, customer_id, fields, disclosure, route,"
        " request_id FROM privacy.access_log WHERE {} ORDER BY id DESC LIMIT %s"
    ).format(where)
    bounded = max(1, min(limit, MAX_LIMIT))
    with conn.cursor(row_factory=class_row(AccessRecord)) as cur:
        return cur.execute(query, (*params, bounded)).fetchall()
