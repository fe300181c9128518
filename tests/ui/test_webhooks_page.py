"""The console's webhooks page: the subscriptions, each one's delivery log, supervisors only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from api.service.webhook_deliveries import webhook_store
from domain.vocabulary import Role
from storage.webhooks import Attempt, Webhook
from tests.ui.conftest import new_browser, sign_in

pytestmark = pytest.mark.postgres


@pytest.fixture
def webhook(runtime: Runtime) -> Iterator[Webhook]:
    """A subscription whose first event failed once with HTTP 500."""
    store = webhook_store(runtime.ledger, runtime.settings)
    created, _ = store.create("https://crm.example.com/hooks", ["repaired"], "ui.test", 0)
    event = {"position": 7, "type": "repaired"}
    store.failed(created, Attempt(event, datetime.now(UTC), 500, "HTTP 500"), datetime.now(UTC),
                 runtime.settings.webhook_disable_after)  # fmt: skip
    yield created
    store.delete(created.id)


@pytest.mark.parametrize(("language", "title"), [("zh", "Webhook 订阅"), ("en", "Webhooks")])
def test_supervisors_see_the_subscriptions_and_their_log(
    client: TestClient, tokens: dict[Role, str], webhook: Webhook, language: str, title: str
) -> None:
    browser = new_browser(client, language)
    sign_in(browser, tokens[Role.SUPERVISOR])
    listing = browser.get("/ui/webhooks")
    assert listing.status_code == 200 and title in listing.text
    assert "https://crm.example.com/hooks" in listing.text and "whsec_" not in listing.text
    detail = browser.get(f"/ui/webhooks/{webhook.id}")
    assert detail.status_code == 200 and "HTTP 500" in detail.text
    assert ("重试中" if language == "zh" else "retrying") in detail.text


def test_other_roles_do_not_see_the_page(client: TestClient, tokens: dict[Role, str]) -> None:
    browser = new_browser(client, "en")
    sign_in(browser, tokens[Role.AUDITOR])
    assert browser.get("/ui/webhooks").status_code == 403
    assert "/ui/webhooks" not in browser.get("/ui/claims").text


def test_an_unknown_subscription_is_a_404_page(client: TestClient, tokens: dict[Role, str]) -> None:
    browser = new_browser(client, "zh")
    sign_in(browser, tokens[Role.SUPERVISOR])
    missing = browser.get("/ui/webhooks/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
