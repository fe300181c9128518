"""Delivers the public events to webhook subscriptions, in order, with retries.

Each due subscription gets the events after its position, one at a time: a
receiver that answers 2xx moves it on; any other answer, a timeout or a refused
address is retried after an exponentially growing delay (``webhook_retry_seconds``
doubling up to ``webhook_retry_max_seconds``), and nothing later is sent before
it. A subscription failing for ``webhook_disable_after`` is disabled.

Requests are signed per Standard Webhooks (``standardwebhooks``): ``webhook-id``
(``sanbao-<position>``, the same on every retry, for the receiver's dedupe),
``webhook-timestamp`` and ``webhook-signature`` (HMAC-SHA256 of id, timestamp
and body). A session-level advisory lock per subscription keeps two background
processes from sending to one subscription at once. Delivery is at least once:
a process killed after the receiver answered sends that event again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx2
import psycopg
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import PersistenceError
from standardwebhooks.webhooks import Webhook as Signer

from api.service.logs import logger
from api.service.webhook_urls import WebhookUrlError, check_address
from api.settings import Settings
from domain.application import ClaimsLedger
from projections.feed.reader import EventFeed
from storage.recorder import datastore_of
from storage.webhook_secrets import SecretBox, webhook_key
from storage.webhooks import Attempt, Webhook, WebhookNotFoundError, WebhookStore

PAGE = 50
IDLE_SECONDS = 0.5
LOCK = "SELECT pg_try_advisory_lock(hashtextextended('sanbao.webhook:' || %s, 0)) AS locked"
UNLOCK = "SELECT pg_advisory_unlock(hashtextextended('sanbao.webhook:' || %s, 0))"
Clock = Callable[[], datetime]


def webhook_store(ledger: ClaimsLedger, settings: Settings) -> WebhookStore:
    """The subscriptions of the ledger's database, secrets sealed under the webhook key."""
    configured = settings.webhook_key.get_secret_value() if settings.webhook_key else None
    box = SecretBox(webhook_key(configured, settings.data_dir))
    return WebhookStore(datastore_of(ledger), box)


class WebhookDispatcher:
    """Sends due subscriptions their next events; ``run_forever`` in the background process."""

    def __init__(
        self, ledger: ClaimsLedger, settings: Settings, clock: Clock = lambda: datetime.now(UTC)
    ) -> None:
        self.ledger = ledger
        self.settings = settings
        self.clock = clock
        self.store = webhook_store(ledger, settings)
        self.feed = EventFeed(ledger)
        self.http = httpx2.Client(
            timeout=settings.webhook_timeout_seconds, follow_redirects=False, trust_env=False
        )

    def close(self) -> None:
        self.http.close()

    def run_forever(self, stopping: threading.Event) -> None:
        try:
            while not stopping.is_set():
                try:
                    sent = self.run_once()
                except (psycopg.Error, PersistenceError) as error:
                    logger.warning("webhook deliveries paused", error_type=type(error).__name__)
                    sent = 0
                if not sent:
                    stopping.wait(IDLE_SECONDS)
        finally:
            self.close()

    def run_once(self) -> int:
        """Serves every due subscription once; returns how many requests were sent."""
        return sum(self.serve(webhook_id) for webhook_id in self.store.due(self.clock()))

    def serve(self, webhook_id: Any) -> int:
        """Sends one subscription its next events, in order, until one fails."""
        with datastore_of(self.ledger).get_connection() as locks:
            row = locks.execute(LOCK, (str(webhook_id),)).fetchone()
            if not (row and row["locked"]):
                return 0  # another process serves it now
            try:
                return self._send_next(webhook_id)
            except WebhookNotFoundError:
                return 0  # deleted since it was found due
            finally:
                locks.execute(UNLOCK, (str(webhook_id),))

    def _send_next(self, webhook_id: Any) -> int:
        webhook = self.store.get(webhook_id)
        if webhook.status == "disabled" or webhook.next_attempt_at > self.clock():
            return 0
        page = self.feed.page(webhook.position, PAGE, webhook.types)
        if not page.events:
            self.store.moved_on(webhook, page.next_after)
            return 0
        # Accepted events are recorded together, after the page or before a failure: one
        # commit for many (a commit per event held deliveries to about 90/s). A process
        # killed in between sends them again, under the same webhook-id.
        accepted: list[Attempt] = []
        try:
            sender = self.sender(webhook)
        except InvalidTag:
            error = "the secret does not open with this webhook key (SANBAO_WEBHOOK_KEY)"
            self.record_failure(webhook, Attempt(page.events[0], self.clock(), None, error))
            return 0
        except WebhookUrlError as refused:
            error = f"refused: {refused.reason}"
            self.record_failure(webhook, Attempt(page.events[0], self.clock(), None, error))
            return 0
        for event in page.events:
            attempt = sender(event)
            if attempt.error is not None:
                if accepted:
                    self.store.delivered(webhook, accepted)
                    webhook = replace(webhook, attempts=0)
                self.record_failure(webhook, attempt)
                return len(accepted) + 1
            accepted.append(attempt)
        self.store.delivered(webhook, accepted)
        self.store.moved_on(webhook, page.next_after)
        return len(accepted)

    def sender(self, webhook: Webhook) -> Callable[[dict[str, Any]], Attempt]:
        """Sends one event to the subscription, signed; InvalidTag or WebhookUrlError when
        its secret does not open or its URL's address is refused."""
        signer = Signer(self.store.secret_of(webhook))
        parts = urlsplit(webhook.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        check_address(parts.hostname or "", port, self.settings.webhook_allow_private)

        def send(event: dict[str, Any]) -> Attempt:
            body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            msg_id = f"sanbao-{event['position']}"
            now = self.clock()
            headers = {
                "content-type": "application/json",
                "webhook-id": msg_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": signer.sign(msg_id, now, body),
                "user-agent": "sanbao-ledger-webhooks",
            }
            try:
                response = self.http.post(webhook.url, content=body.encode(), headers=headers)
            except httpx2.HTTPError as failure:
                return Attempt(event, now, None, f"{type(failure).__name__}: {failure}")
            code = response.status_code
            return Attempt(event, now, code, None if 200 <= code < 300 else f"HTTP {code}")

        return send

    def record_failure(self, webhook: Webhook, attempt: Attempt) -> None:
        """Logs a failed attempt and schedules the retry (or disables the subscription)."""
        retry_at = attempt.at + self.retry_delay(webhook.attempts + 1)
        disable_after = self.settings.webhook_disable_after
        if self.store.failed(webhook, attempt, retry_at, disable_after):
            logger.warning("webhook disabled after failing too long", webhook=str(webhook.id))

    def retry_delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failure: doubling, up to the maximum."""
        settings = self.settings
        seconds = settings.webhook_retry_seconds * 2 ** min(attempts - 1, 32)
        return timedelta(seconds=min(seconds, settings.webhook_retry_max_seconds))
