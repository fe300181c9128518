"""The access log (``privacy.access_log``): who saw which claim's personal data, and when.

``record_access`` inserts one row and commits it before it returns, so a caller
that sends personal data only after it returned never sends it unrecorded. It
takes the ledger's datastore (a pooled, autocommit connection is used) or a
connection that is not inside a transaction (a row still uncommitted when the
response leaves would not be a record). Pages are keyset pages, newest first:
pass the last row's id back as ``before_id``.

A reveal (personal data in clear) names its purpose, and may be held to a
limit per user and hour (``reveal_limit``): the user's reveals of the past hour
are counted in this table, under a transaction lock on the user's name, so the
limit holds across every worker and process writing the log. A refused reveal
records nothing (nothing was shown).
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
from psycopg.rows import class_row, tuple_row

from domain.errors import RevealLimitError
from storage.where import where_given

MAX_LIMIT = 1000
Disclosure = Literal["masked", "revealed"]
# "evidence": an uploaded evidence file (a photo, video or invoice) was sent.
PERSONAL_FIELDS = ("name", "phone", "email", "address", "evidence")


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
    purpose: str | None
    """Why personal data was revealed (``domain.reveal_purposes``); None for masked views."""


COLUMNS = (
    "id, accessed_at, actor, role, claim_id, customer_id, fields, disclosure, route,"
    " request_id, purpose"
)
INSERT = (
    "INSERT INTO privacy.access_log"
    " (actor, role, claim_id, customer_id, fields, disclosure, route, request_id, purpose)"
    f" VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING {COLUMNS}"
)
# One user's reveals are counted (and added to) one at a time, in any process.
LOCK_USER = "SELECT pg_advisory_xact_lock(hashtextextended('sanbao.reveals:' || %s, 0))"
# The reveal that must leave the past hour before one more fits, and when it does.
OLDEST_COUNTED = (
    "SELECT ceil(extract(epoch FROM accessed_at + interval '1 hour' - clock_timestamp()))"
    " AS wait FROM privacy.access_log WHERE actor = %s AND disclosure = 'revealed'"
    " AND accessed_at > clock_timestamp() - interval '1 hour'"
    " ORDER BY accessed_at DESC OFFSET %s LIMIT 1"
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
    purpose: str | None = None,
    reveal_limit: int | None = None,
) -> AccessRecord:
    """Records (and commits) that ``actor`` was shown ``fields`` of the claim's customer.

    A reveal needs a ``purpose``. With ``reveal_limit``, a reveal beyond that many
    by ``actor`` in the past hour raises RevealLimitError and records nothing.
    """
    unknown = set(fields) - set(PERSONAL_FIELDS)
    if unknown or not fields:
        raise ValueError(f"fields must be some of {PERSONAL_FIELDS}, not {sorted(unknown)}")
    if (disclosure == "revealed") != (purpose is not None):
        raise ValueError("a reveal names its purpose, and only a reveal does")
    params = (
        actor, role, claim_id, customer_id, list(fields), disclosure, route, request_id, purpose
    )  # fmt: skip
    limit = reveal_limit if disclosure == "revealed" else None
    if isinstance(conn_or_pool, PostgresDatastore):
        with conn_or_pool.get_connection() as conn:  # autocommit: one INSERT commits itself
            if limit is None:
                return _insert(conn, params, None)
            with conn.transaction():  # the count and the row under the user's lock
                return _insert(conn, params, limit)
    if conn_or_pool.info.transaction_status is not TransactionStatus.IDLE:
        raise ValueError("record_access commits its row: pass a connection outside a transaction")
    with conn_or_pool.transaction():
        return _insert(conn_or_pool, params, limit)


def _insert(conn: Connection[Any], params: tuple[Any, ...], limit: int | None) -> AccessRecord:
    if limit is not None:
        _check_reveal_limit(conn, params[0], limit)
    with conn.cursor(row_factory=class_row(AccessRecord)) as cur:
        row = cur.execute(INSERT, params).fetchone()
    assert row is not None
    return row


def _check_reveal_limit(conn: Connection[Any], actor: str, limit: int) -> None:
    """RevealLimitError when ``actor`` revealed ``limit`` times in the past hour."""
    if limit < 1:
        raise ValueError("the reveal limit is at least 1 an hour")
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(LOCK_USER, (actor,))
        row = cur.execute(OLDEST_COUNTED, (actor, limit - 1)).fetchone()
    if row is not None:
        raise RevealLimitError(actor, limit, max(1, int(row[0])))


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
        f"SELECT {COLUMNS} FROM privacy.access_log WHERE {{}} ORDER BY id DESC LIMIT %s"
    ).format(where)
    bounded = max(1, min(limit, MAX_LIMIT))
    with conn.cursor(row_factory=class_row(AccessRecord)) as cur:
        return cur.execute(query, (*params, bounded)).fetchall()
