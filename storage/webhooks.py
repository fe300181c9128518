"""Webhook subscriptions and their delivery log (``outlets.webhooks``, ``webhook_deliveries``).

A subscription's ``position`` is the last event delivered to it: the next one
is not sent before it, so a receiver gets its events in ledger order. Every
attempt at an event updates the event's row in the delivery log (status,
attempts, the receiver's answer or the error). Deleting a subscription keeps
its log; it is no longer listed nor sent anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from storage.webhook_secrets import SecretBox, new_secret

MAX_ERROR = 500


class WebhookNotFoundError(LookupError):
    """Raised when no (undeleted) subscription has the id."""

    def __init__(self, webhook_id: object) -> None:
        super().__init__(f"webhook {webhook_id} not found")
        self.webhook_id = webhook_id
        self.detail_zh = f"没有编号为 {webhook_id} 的 webhook 订阅"


@dataclass(frozen=True)
class Webhook:
    """A subscription as stored (its secret sealed)."""

    id: uuid.UUID
    url: str
    types: list[str]
    created_by: str
    created_at: datetime
    position: int
    attempts: int
    next_attempt_at: datetime
    failing_since: datetime | None
    last_error: str | None
    disabled_at: datetime | None
    secret: bytes

    @property
    def status(self) -> str:
        """``active``, ``failing`` (retrying) or ``disabled``."""
        if self.disabled_at is not None:
            return "disabled"
        return "failing" if self.failing_since is not None else "active"


@dataclass(frozen=True)
class Attempt:
    """One attempt at sending an event: when, the receiver's status code, the error if any."""

    event: dict[str, Any]
    at: datetime
    code: int | None
    error: str | None


@dataclass(frozen=True)
class Delivery:
    """One event's delivery to a subscription: its outcome so far."""

    position: int
    event_type: str
    status: str
    attempts: int
    response_status: int | None
    last_error: str | None
    first_attempt_at: datetime
    last_attempt_at: datetime


COLUMNS = (
    "id, url, types, created_by, created_at, position, attempts, next_attempt_at, "
    "failing_since, last_error, disabled_at, secret"
)
INSERT = f"""
INSERT INTO outlets.webhooks (id, url, types, secret, created_by, position)
VALUES (%s, %s, %s, %s, %s, %s) RETURNING {COLUMNS}
"""
LIVE = f"SELECT {COLUMNS} FROM outlets.webhooks WHERE deleted_at IS NULL"
DUE = (
    "SELECT id FROM outlets.webhooks WHERE deleted_at IS NULL AND disabled_at IS NULL "
    "AND next_attempt_at <= %s ORDER BY next_attempt_at"
)
DELETE = "UPDATE outlets.webhooks SET deleted_at = now() WHERE id = %s AND deleted_at IS NULL"
DELIVERIES = """
SELECT position, event_type, status, attempts, response_status, last_error,
       first_attempt_at, last_attempt_at
  FROM outlets.webhook_deliveries WHERE webhook_id = %s ORDER BY position DESC LIMIT %s
"""
LOG = """
INSERT INTO outlets.webhook_deliveries AS d (webhook_id, position, event_type, status, attempts,
       response_status, last_error, first_attempt_at, last_attempt_at)
VALUES (%(id)s, %(position)s, %(type)s, %(status)s, 1, %(code)s, %(error)s, %(at)s, %(at)s)
ON CONFLICT (webhook_id, position) DO UPDATE
   SET status = EXCLUDED.status, attempts = d.attempts + 1,
       response_status = EXCLUDED.response_status,
       last_error = coalesce(EXCLUDED.last_error, d.last_error),
       last_attempt_at = EXCLUDED.last_attempt_at
"""
DELIVERED = """
UPDATE outlets.webhooks SET position = %(position)s, attempts = 0, next_attempt_at = %(at)s,
       failing_since = NULL, last_error = NULL
 WHERE id = %(id)s
"""
FAILED = """
UPDATE outlets.webhooks SET attempts = attempts + 1, next_attempt_at = %(next)s,
       failing_since = coalesce(failing_since, %(at)s), last_error = %(error)s,
       disabled_at = CASE WHEN %(at)s - coalesce(failing_since, %(at)s) >= %(disable_after)s
                          THEN %(at)s END
 WHERE id = %(id)s
RETURNING disabled_at
"""
# Only when it moves: an idle subscription is looked at twice a second and writes nothing.
MOVED_ON = "UPDATE outlets.webhooks SET position = %s WHERE id = %s AND position < %s"


class WebhookStore:
    """Creates, lists and deletes subscriptions; records their deliveries."""

    def __init__(self, datastore: PostgresDatastore, box: SecretBox) -> None:
        self.datastore = datastore
        self.box = box

    def _rows(self, statement: str, params: Sequence[Any] | dict[str, Any]) -> list[Any]:
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def create(
        self, url: str, types: Sequence[str], created_by: str, after: int
    ) -> tuple[Webhook, str]:
        """A new subscription receiving the events after ``after``, and its secret (shown once)."""
        webhook_id = uuid.uuid4()
        secret = new_secret()
        sealed = self.box.seal(webhook_id, secret)
        params = (webhook_id, url, sorted(set(types)), sealed, created_by, after)
        return _webhook(self._rows(INSERT, params)[0]), secret

    def all(self) -> list[Webhook]:
        return [_webhook(row) for row in self._rows(LIVE + " ORDER BY created_at", ())]

    def get(self, webhook_id: uuid.UUID) -> Webhook:
        rows = self._rows(LIVE + " AND id = %s", (webhook_id,))
        if not rows:
            raise WebhookNotFoundError(webhook_id)
        return _webhook(rows[0])

    def delete(self, webhook_id: uuid.UUID) -> None:
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            if cur.execute(DELETE, (webhook_id,)).rowcount == 0:
                raise WebhookNotFoundError(webhook_id)

    def deliveries(self, webhook_id: uuid.UUID, limit: int) -> list[Delivery]:
        """The subscription's delivery log, latest event first."""
        self.get(webhook_id)
        return [Delivery(**row) for row in self._rows(DELIVERIES, (webhook_id, limit))]

    def secret_of(self, webhook: Webhook) -> str:
        return self.box.open(webhook.id, webhook.secret)

    def due(self, now: datetime) -> list[uuid.UUID]:
        """The active subscriptions whose next attempt is due."""
        return [row["id"] for row in self._rows(DUE, (now,))]

    def delivered(self, webhook: Webhook, attempts: Sequence[Attempt]) -> None:
        """Records events the receiver accepted; the subscription moves past the last."""
        if not attempts:
            return
        rows = [_log_row(webhook, a, "delivered") for a in attempts]
        with self.datastore.transaction(commit=True) as cur:
            cur.executemany(LOG, rows)
            cur.execute(DELIVERED, rows[-1])

    def failed(
        self, webhook: Webhook, attempt: Attempt, retry_at: datetime, disable_after: timedelta
    ) -> bool:
        """Records a failed attempt; True when it disabled the subscription (failing too long)."""
        params = _log_row(webhook, attempt, "retrying")
        params |= {"next": retry_at, "disable_after": disable_after}
        with self.datastore.transaction(commit=True) as cur:
            disabled = cur.execute(FAILED, params).fetchone()
            if disabled and disabled["disabled_at"] is not None:
                params["status"] = "abandoned"
            cur.execute(LOG, params)
        return bool(params["status"] == "abandoned")

    def moved_on(self, webhook: Webhook, position: int) -> None:
        """Records that no event for the subscription lies up to ``position``."""
        self._rows(MOVED_ON, (position, webhook.id, position))


def _log_row(webhook: Webhook, attempt: Attempt, status: str) -> dict[str, Any]:
    error = attempt.error[:MAX_ERROR] if attempt.error else None
    return {
        "id": webhook.id,
        "position": attempt.event["position"],
        "type": attempt.event["type"],
        "status": status,
        "code": attempt.code,
        "error": error,
        "at": attempt.at,
    }


def _webhook(row: dict[str, Any]) -> Webhook:
    return Webhook(**{**row, "types": list(row["types"]), "secret": bytes(row["secret"])})
