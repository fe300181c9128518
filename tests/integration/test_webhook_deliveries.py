"""Webhook deliveries against a local receiver that fails, times out and recovers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from api.service.webhook_deliveries import WebhookDispatcher
from api.settings import Settings
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.vocabulary import Priority, ProblemCategory
from tests.support.webhook_receiver import Received, webhook_receiver

from .reports import AGENT, new_report

pytestmark = pytest.mark.postgres


def settings_for(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    fast: dict[str, object] = {
        "webhook_allow_private": True,  # the receiver listens on 127.0.0.1
        "webhook_timeout_seconds": 0.5,
        "webhook_retry_seconds": 0.05,
    }
    return Settings(DATABASE_URL=database_url, data_dir=data_dir, **(fast | overrides))  # type: ignore[arg-type]


@pytest.fixture
def dispatcher_for(
    ledger: ClaimsLedger, database_url: str, tmp_path: Path
) -> Iterator[Callable[..., WebhookDispatcher]]:
    made: list[WebhookDispatcher] = []

    def make(**overrides: object) -> WebhookDispatcher:
        made.append(WebhookDispatcher(ledger, settings_for(database_url, tmp_path, **overrides)))
        return made[-1]

    yield make
    for dispatcher in made:
        for webhook in dispatcher.store.all():  # the session database is shared
            dispatcher.store.delete(webhook.id)
        dispatcher.close()


def two_events(ledger: ClaimsLedger) -> tuple[int, int]:
    report = ledger.report(AGENT, **new_report())
    classified = ledger.command(
        Claim.classify,
        report.claim_id,
        AGENT,
        problem_category=ProblemCategory.PRODUCT_FAULT,
        priority=Priority.HIGH,
    )
    return report.position, classified.position


def run_until(dispatcher: WebhookDispatcher, done: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the deliveries did not finish"
        dispatcher.run_once()
        time.sleep(0.02)


def test_events_arrive_in_order_signed_after_failures_and_a_timeout(
    ledger: ClaimsLedger, dispatcher_for: Callable[..., WebhookDispatcher]
) -> None:
    dispatcher = dispatcher_for()
    received = Received(script=["fail", "slow", "ok", "fail", "ok"])
    with webhook_receiver(received) as url:
        webhook, secret = dispatcher.store.create(url, [], "test", dispatcher.feed.head())
        positions = two_events(ledger)
        run_until(dispatcher, lambda: len(received.accepted()) == 2)
    bodies = [json.loads(body) for body in received.accepted()]
    assert [b["position"] for b in bodies] == list(positions)
    assert [b["type"] for b in bodies] == ["reported", "classified"]
    sent = [json.loads(body)["position"] for _, body, _ in received.requests]
    assert sent == [positions[0]] * 3 + [positions[1]] * 2  # nothing overtakes a failure
    for headers, body, _ in received.requests:
        Verifier(secret).verify(body, headers)  # raises on a bad signature
        assert headers["webhook-id"] == f"sanbao-{json.loads(body)['position']}"
    log = {d.position: d for d in dispatcher.store.deliveries(webhook.id, 10)}
    first = log[positions[0]]
    assert (first.status, first.attempts, first.response_status) == ("delivered", 3, 204)
    assert first.last_error is not None and "Timeout" in first.last_error
    assert (log[positions[1]].attempts, log[positions[1]].last_error) == (2, "HTTP 500")
    assert dispatcher.store.get(webhook.id).status == "active"


def test_types_filter_what_a_subscription_is_sent(
    ledger: ClaimsLedger, dispatcher_for: Callable[..., WebhookDispatcher]
) -> None:
    dispatcher = dispatcher_for()
    received = Received()
    with webhook_receiver(received) as url:
        webhook, _ = dispatcher.store.create(url, ["classified"], "test", dispatcher.feed.head())
        _, classified = two_events(ledger)
        run_until(dispatcher, lambda: dispatcher.store.get(webhook.id).position >= classified)
    assert [json.loads(b)["type"] for b in received.accepted()] == ["classified"]


def test_retries_wait_longer_each_time(dispatcher_for: Callable[..., WebhookDispatcher]) -> None:
    dispatcher = dispatcher_for(webhook_retry_seconds=2.0, webhook_retry_max_seconds=30.0)
    delays = [dispatcher.retry_delay(n).total_seconds() for n in range(1, 7)]
    assert delays == [2, 4, 8, 16, 30, 30]


def test_a_subscription_failing_too_long_is_disabled(
    ledger: ClaimsLedger, dispatcher_for: Callable[..., WebhookDispatcher]
) -> None:
    # A generous timeout: a request timed out under load would reach the receiver late.
    dispatcher = dispatcher_for(
        webhook_disable_after=timedelta(seconds=0.3), webhook_timeout_seconds=5.0
    )
    received = Received(otherwise="fail")
    with webhook_receiver(received) as url:
        webhook, _ = dispatcher.store.create(url, [], "test", dispatcher.feed.head())
        first, _ = two_events(ledger)
        run_until(dispatcher, lambda: dispatcher.store.get(webhook.id).status == "disabled")
        attempts = len(received.requests)
        time.sleep(0.2)
        dispatcher.run_once()
        assert len(received.requests) == attempts  # a disabled subscription is sent nothing
    [delivery] = dispatcher.store.deliveries(webhook.id, 10)
    assert (delivery.position, delivery.status) == (first, "abandoned")
    assert delivery.attempts == attempts
