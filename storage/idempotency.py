"""Idempotency keys: a retried POST gets the first answer, and nothing runs twice.

The first request with a (user, key) inserts a ``running`` row before it runs;
the primary key makes concurrent duplicates find that row, and they wait until
the first stores its answer (``done``), then replay it. Keys live in
PostgreSQL, so retries across a restart replay too. The same key with another
method, path, body or If-Match is refused.

Exactly once across a crash: the transaction that appends a keyed request's
events also marks its row ``committed`` and records the events' positions on it
(``storage.event_append``, group commit included; the request carries its
``KeyedRequest`` down to the recorder in a context variable). So after a crash
at any point the row says either "nothing recorded" (``running``: once its
lease expires, the retry takes the row over and runs) or "recorded at these
positions" (``committed``: the retry rebuilds the answer from the events at once
and records nothing). A process whose lease expired while it still ran cannot
record either: the append checks, under a row lock, that the row is still its
own, and refuses (``IdempotencyTakenOverError``) when a retry took it over.

An answer of 5xx is not stored: the row is deleted when nothing was recorded, so
the retry runs again; when events were recorded, the retry rebuilds the answer.
An answer carrying a customer's personal data (marked ``X-Personal-Data`` by
``api.http.disclosure``) is never stored either: a retry runs again (and is
logged again) instead of replaying plaintext kept in this table.

Rows are kept for the retention (``SANBAO_IDEMPOTENCY_RETENTION``, 24 h by
default, as payment APIs do): an older row counts as absent when its key comes
again, and the background work deletes expired rows.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.types.json import Jsonb

POLL_SECONDS = 0.02
MAX_KEY_LENGTH = 255
PERSONAL_DATA_HEADER = "x-personal-data"
STORED_HEADERS = ("content-type", "location", "etag", "x-ledger-position", PERSONAL_DATA_HEADER)


class IdempotencyError(Exception):
    """Base class of the refusals of a request under an Idempotency-Key."""


class IdempotencyKeyTooLongError(IdempotencyError):
    """Raised for an Idempotency-Key longer than ``MAX_KEY_LENGTH`` characters."""

    def __init__(self, length: int) -> None:
        super().__init__(
            f"the Idempotency-Key has {length} characters; at most {MAX_KEY_LENGTH} are allowed"
        )
        self.length = length
        self.detail_zh = f"Idempotency-Key 长 {length} 个字符，最多允许 {MAX_KEY_LENGTH} 个"


class IdempotencyKeyReusedError(IdempotencyError):
    """Raised when an Idempotency-Key is sent again with a different request."""

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was used with a different request")
        self.detail_zh = "此 Idempotency-Key 已用于另一个请求"


class IdempotencyInProgressError(IdempotencyError):
    """Raised when a retry waited in vain for the first request with its key to finish."""

    def __init__(self, message: str = "", detail_zh: str = "") -> None:
        super().__init__(message or "the first request with this Idempotency-Key is still running")
        self.detail_zh = detail_zh or "使用此 Idempotency-Key 的第一个请求仍在处理中"


class IdempotencyTakenOverError(IdempotencyInProgressError):
    """Raised to a request whose lease expired and whose key a retry took over: it records
    nothing, since the retry runs (or ran) the request."""

    def __init__(self) -> None:
        super().__init__(
            "a retry with this Idempotency-Key took the request over; "
            "this attempt recorded nothing",
            "使用此 Idempotency-Key 的重试已接手该请求；本次尝试未记录任何内容",
        )


class AlreadyRecordedError(IdempotencyError):
    """Raised when a request whose first attempt recorded its events would record again."""

    def __init__(self) -> None:
        super().__init__(
            "the first request with this Idempotency-Key recorded its events; "
            "nothing is recorded again"
        )
        self.detail_zh = "使用此 Idempotency-Key 的第一个请求已记录其事件；不会再次记录"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Ticket:
    """Permission to run the request: the row is ours until we finish or abandon it."""

    user: str
    key: str
    owner: uuid.UUID


@dataclass(frozen=True)
class KeyedRequest:
    """A request running under its key's ticket.

    ``recorded`` is None while the request may record its events; after a crash, it
    holds the positions the first attempt recorded, from which the answer is rebuilt.
    """

    ticket: Ticket
    recorded: tuple[int, ...] | None = None


_keyed_request: ContextVar[KeyedRequest | None] = ContextVar("keyed_request", default=None)


def keyed_request() -> KeyedRequest | None:
    """The keyed request this code runs for, if any (the recorder's question)."""
    return _keyed_request.get()


@contextmanager
def running_keyed(request: KeyedRequest) -> Iterator[None]:
    """Runs the block for ``request``: the events it saves are recorded on its key's row."""
    token = _keyed_request.set(request)
    try:
        yield
    finally:
        _keyed_request.reset(token)


def request_digest(method: str, path: str, query: str, body: bytes, if_match: str = "") -> str:
    """A digest of what the request asks; JSON bodies are compared by content, not spacing.

    If-Match is part of the request: the same body against another version is another request.
    """
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    head = f"{method}\n{path}?{query}\n"
    if if_match:
        head += f"if-match:{if_match}\n"
    return hashlib.sha256(head.encode() + canonical).hexdigest()


class IdempotencyStore:
    """The ``api.idempotency_keys`` table on the ledger's pool."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        wait_seconds: float,
        lease_seconds: float,
        retention_seconds: float = 24 * 3600,
    ):
        self.datastore = datastore
        self.wait_seconds = wait_seconds
        self.lease_seconds = lease_seconds
        self.retention_seconds = retention_seconds

    def begin(self, user: str, key: str, digest: str) -> KeyedRequest | StoredResponse:
        """A keyed request to run, or the stored first answer to replay.

        Waits while another request with the key runs; raises
        IdempotencyKeyReusedError for another request under the same key and
        IdempotencyInProgressError when the first does not finish in time.
        (The service waits with ``attempt`` between asynchronous sleeps instead,
        so that waiting retries hold no worker thread the first request needs.)
        """
        deadline = time.monotonic() + self.wait_seconds
        while (outcome := self.attempt(user, key, digest)) is None:
            if time.monotonic() > deadline:
                raise IdempotencyInProgressError()
            time.sleep(POLL_SECONDS)
        return outcome

    def attempt(self, user: str, key: str, digest: str) -> KeyedRequest | StoredResponse | None:
        """A request to run, the stored first answer, or None while the first request runs.

        A request whose first attempt recorded its events comes back with their
        positions, whoever owns the row: its answer is rebuilt from them, and only
        the row's owner stores it (``finish`` and ``abandon`` leave others' rows be).
        A row older than the retention is replaced, as if the key were new.
        """
        ticket = Ticket(user, key, uuid.uuid4())
        with self.datastore.get_connection() as conn:
            inserted = conn.execute(
                "INSERT INTO api.idempotency_keys AS k"
                " (user_name, key, request_sha256, state, owner, lease_until)"
                " VALUES (%s, %s, %s, 'running', %s, now() + make_interval(secs => %s))"
                " ON CONFLICT (user_name, key) DO UPDATE SET"
                " request_sha256 = excluded.request_sha256, state = 'running',"
                " owner = excluded.owner, status_code = NULL, headers = NULL, body = NULL,"
                " positions = NULL, created_at = now(), lease_until = excluded.lease_until"
                " WHERE k.created_at < now() - make_interval(secs => %s)",
                (user, key, digest, ticket.owner, self.lease_seconds, self.retention_seconds),
            ).rowcount
            if inserted:
                return KeyedRequest(ticket)
            row = conn.execute(
                "SELECT request_sha256, state, status_code, headers, body, positions,"
                " lease_until < now() AS expired"
                " FROM api.idempotency_keys WHERE user_name = %s AND key = %s",
                (user, key),
            ).fetchone()
            if row is None:  # the first request's row went away (it failed): try again
                return self.attempt(user, key, digest)
            if row["request_sha256"] != digest:
                raise IdempotencyKeyReusedError()
            if row["state"] == "done":
                return StoredResponse(row["status_code"], row["headers"], bytes(row["body"]))
            if row["state"] == "committed":
                # The events are recorded: the answer is rebuilt from them at once. Only
                # once the lease ran out is the row ours, to store that answer on it.
                if row["expired"]:
                    self._take_over(conn, ticket, "committed")
                return KeyedRequest(ticket, tuple(row["positions"]))
            if row["expired"] and self._take_over(conn, ticket, "running"):
                return KeyedRequest(ticket)
        return None

    def _take_over(self, conn: Connection[Any], ticket: Ticket, state: str) -> bool:
        """Makes an expired row ours, unless another retry or the first request got there."""
        taken = conn.execute(
            "UPDATE api.idempotency_keys SET owner = %s,"
            " lease_until = now() + make_interval(secs => %s)"
            " WHERE user_name = %s AND key = %s AND state = %s AND lease_until < now()",
            (ticket.owner, self.lease_seconds, ticket.user, ticket.key, state),
        ).rowcount
        return bool(taken)

    def finish(self, ticket: Ticket, response: StoredResponse) -> None:
        """Stores the answer for the retries to come (not one with personal data)."""
        if PERSONAL_DATA_HEADER in response.headers:
            self.abandon(ticket)
            return
        with self.datastore.get_connection() as conn:
            conn.execute(
                "UPDATE api.idempotency_keys SET state = 'done', status_code = %s,"
                " headers = %s, body = %s, lease_until = now()"
                " WHERE user_name = %s AND key = %s AND owner = %s"
                " AND state IN ('running', 'committed')",
                (
                    response.status,
                    Jsonb(response.headers),
                    response.body,
                    ticket.user,
                    ticket.key,
                    ticket.owner,
                ),
            )

    def abandon(self, ticket: Ticket) -> None:
        """Gives the key up (the request failed on our side).

        With nothing recorded the key is forgotten, so a retry runs again; with events
        recorded its lease ends, so a retry rebuilds the answer at once.
        """
        with self.datastore.get_connection() as conn:
            conn.execute(
                "DELETE FROM api.idempotency_keys"
                " WHERE user_name = %s AND key = %s AND owner = %s AND state = 'running'",
                (ticket.user, ticket.key, ticket.owner),
            )
            conn.execute(
                "UPDATE api.idempotency_keys SET lease_until = now()"
                " WHERE user_name = %s AND key = %s AND owner = %s AND state = 'committed'",
                (ticket.user, ticket.key, ticket.owner),
            )

    def purge_expired(self) -> int:
        """Deletes the rows older than the retention; how many."""
        with self.datastore.get_connection() as conn:
            return conn.execute(
                "DELETE FROM api.idempotency_keys"
                " WHERE created_at < now() - make_interval(secs => %s)",
                (self.retention_seconds,),
            ).rowcount
