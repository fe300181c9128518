"""Idempotency keys: a retried POST gets the first response, and nothing runs twice.

The first request with a (user, key) inserts a ``running`` row before it runs;
the primary key makes concurrent duplicates find that row, and they wait until
the first stores its response (``done``), then replay it. Keys live in
PostgreSQL, so retries across a restart replay too. A response of 5xx is not
stored (the row is deleted) so the retry runs again. A ``running`` row whose
lease expired (its process died mid-request) is taken over by the next retry.
The same key with another method, path or body is refused.

An answer carrying a customer's personal data (marked ``X-Personal-Data`` by
``api.http.disclosure``) is never stored: the key is forgotten as for a 5xx, so
a retry runs again (and is logged again) instead of replaying plaintext kept
in this table.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.types.json import Jsonb

POLL_SECONDS = 0.02
PERSONAL_DATA_HEADER = "x-personal-data"
STORED_HEADERS = ("content-type", "location", "etag", "x-ledger-position", PERSONAL_DATA_HEADER)


class IdempotencyError(Exception):
    """Base class of the refusals of a request under an Idempotency-Key."""


class IdempotencyKeyReusedError(IdempotencyError):
    """Raised when an Idempotency-Key is sent again with a different method, path or body."""

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was used with a different request")


class IdempotencyInProgressError(IdempotencyError):
    """Raised when a retry waited in vain for the first request with its key to finish."""

    def __init__(self) -> None:
        super().__init__("the first request with this Idempotency-Key is still running")


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


def request_digest(method: str, path: str, query: str, body: bytes) -> str:
    """A digest of what the request asks; JSON bodies are compared by content, not spacing."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    head = f"{method}\n{path}?{query}\n".encode()
    return hashlib.sha256(head + canonical).hexdigest()


class IdempotencyStore:
    """The ``api.idempotency_keys`` table on the ledger's pool."""

    def __init__(self, datastore: PostgresDatastore, wait_seconds: float, lease_seconds: float):
        self.datastore = datastore
        self.wait_seconds = wait_seconds
        self.lease_seconds = lease_seconds

    def begin(self, user: str, key: str, digest: str) -> Ticket | StoredResponse:
        """A ticket to run the request, or the stored first response to replay.

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

    def attempt(self, user: str, key: str, digest: str) -> Ticket | StoredResponse | None:
        """A ticket, the stored first response, or None while the first request runs."""
        ticket = Ticket(user, key, uuid.uuid4())
        with self.datastore.get_connection() as conn:
            inserted = conn.execute(
                "INSERT INTO api.idempotency_keys"
                " (user_name, key, request_sha256, state, owner, lease_until)"
                " VALUES (%s, %s, %s, 'running', %s, now() + make_interval(secs => %s))"
                " ON CONFLICT DO NOTHING",
                (user, key, digest, ticket.owner, self.lease_seconds),
            ).rowcount
            if inserted:
                return ticket
            row = conn.execute(
                "SELECT request_sha256, state, status_code, headers, body,"
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
            if row["expired"] and self._take_over(conn, ticket):
                return ticket
        return None

    def _take_over(self, conn: Connection[Any], ticket: Ticket) -> bool:
        taken = conn.execute(
            "UPDATE api.idempotency_keys SET owner = %s,"
            " lease_until = now() + make_interval(secs => %s)"
            " WHERE user_name = %s AND key = %s AND state = 'running' AND lease_until < now()",
            (ticket.owner, self.lease_seconds, ticket.user, ticket.key),
        ).rowcount
        return bool(taken)

    def finish(self, ticket: Ticket, response: StoredResponse) -> None:
        """Stores the response for the retries to come (not one with personal data)."""
        if PERSONAL_DATA_HEADER in response.headers:
            self.abandon(ticket)
            return
        with self.datastore.get_connection() as conn:
            conn.execute(
                "UPDATE api.idempotency_keys SET state = 'done', status_code = %s,"
                " headers = %s, body = %s WHERE user_name = %s AND key = %s AND owner = %s",
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
        """Forgets the key (the request failed on our side), so a retry runs again."""
        with self.datastore.get_connection() as conn:
            conn.execute(
                "DELETE FROM api.idempotency_keys WHERE user_name = %s AND key = %s AND owner = %s",
                (ticket.user, ticket.key, ticket.owner),
            )
