"""Webhook subscriptions over HTTP: supervisors manage them; events reach a local receiver."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook as Verifier

from api.http.app import create_app
from api.roles import API_ROLES
from domain.vocabulary import Role
from tests.support.databases import scratch_database, sibling_name
from tests.support.webhook_receiver import Received, webhook_receiver

from .claims import new_claim
from .conftest import api_settings, bearer, runtime_of

pytestmark = pytest.mark.postgres
Headers = dict[Role, dict[str, str]]


@pytest.fixture(scope="module")
def hooks(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A service that may send to local receivers and retries fast, on a database of its own."""
    with scratch_database(database_url, sibling_name(database_url, "hooks")) as url:
        settings = api_settings(
            url,
            data_dir=tmp_path_factory.mktemp("hooks"),
            webhook_allow_private=True,
            webhook_retry_seconds=0.1,
            webhook_timeout_seconds=0.5,
        )
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            assert runtime_of(client).wait_until_ready(30)
            yield client


@pytest.fixture(scope="module")
def roles(hooks: TestClient) -> Headers:
    users = runtime_of(hooks).users
    return {r: bearer(users.add(f"hooks.{r.value}", r)) for r in API_ROLES}


def subscribe(client: TestClient, roles: Headers, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/webhooks", json=body, headers=roles[Role.SUPERVISOR])
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_supervisor_sees_the_secret_once(hooks: TestClient, roles: Headers) -> None:
    created = subscribe(hooks, roles, url="http://127.0.0.1:9/x", types=["repaired"])
    assert created["secret"].startswith("whsec_") and created["status"] == "active"
    listed = hooks.get("/api/v1/webhooks", headers=roles[Role.SUPERVISOR]).json()
    mine = [w for w in listed["data"] if w["id"] == created["id"]]
    assert mine and "secret" not in mine[0] and mine[0]["types"] == ["repaired"]
    one = hooks.get(f"/api/v1/webhooks/{created['id']}", headers=roles[Role.SUPERVISOR])
    assert "secret" not in one.json()
    hooks.delete(f"/api/v1/webhooks/{created['id']}", headers=roles[Role.SUPERVISOR])


def test_a_deleted_subscription_is_gone(hooks: TestClient, roles: Headers) -> None:
    created = subscribe(hooks, roles, url="http://127.0.0.1:9/x")
    path = f"/api/v1/webhooks/{created['id']}"
    assert hooks.delete(path, headers=roles[Role.SUPERVISOR]).status_code == 204
    gone = hooks.get(path + "/deliveries", headers=roles[Role.SUPERVISOR])
    assert gone.status_code == 404
    assert gone.json()["type"] == "urn:sanbao:problem:webhook-not-found"
    assert gone.json()["detail_zh"]


@pytest.mark.parametrize("role", API_ROLES, ids=lambda r: r.value)
def test_only_supervisors_manage_webhooks(hooks: TestClient, roles: Headers, role: Role) -> None:
    response = hooks.get("/api/v1/webhooks", headers=roles[role])
    assert response.status_code == (200 if role is Role.SUPERVISOR else 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "http://user:secret@example.com/x"}, "url"),
        ({"url": "https://example.com/x", "types": ["shipped"]}, "types"),
        ({"url": "https://example.com/x", "secret": "mine"}, "secret"),
        ({"url": "https://example.com/x", "after": 10**12}, "after"),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(
    hooks: TestClient, roles: Headers, body: dict[str, Any], field: str
) -> None:
    before = hooks.get("/api/v1/webhooks", headers=roles[Role.SUPERVISOR]).json()["count"]
    response = hooks.post("/api/v1/webhooks", json=body, headers=roles[Role.SUPERVISOR])
    assert response.status_code == 422, response.text
    assert any(field in str(e.get("field", "")) for e in response.json()["errors"])
    after = hooks.get("/api/v1/webhooks", headers=roles[Role.SUPERVISOR]).json()["count"]
    assert after == before  # nothing stored


def test_private_addresses_are_refused_by_default(client: TestClient, as_role: Headers) -> None:
    for url in ("http://127.0.0.1:8080/x", "http://169.254.169.254/latest", "http://10.0.0.5/"):
        response = client.post(
            "/api/v1/webhooks", json={"url": url}, headers=as_role[Role.SUPERVISOR]
        )
        assert response.status_code == 422, url
        assert "public address" in response.json()["errors"][0]["reason"]
        assert response.json()["detail_zh"]


def test_the_background_delivers_in_order_after_the_receiver_recovers(
    hooks: TestClient, roles: Headers
) -> None:
    received = Received(script=["fail", "slow", "fail"], slow_seconds=1.0)
    with webhook_receiver(received) as url:
        created = subscribe(hooks, roles, url=url)
        claims = [new_claim(hooks, roles[Role.AGENT]) for _ in range(3)]
        path = f"/api/v1/webhooks/{created['id']}"
        deadline = time.monotonic() + 30
        while True:  # until the log says all three were delivered
            log = hooks.get(path + "/deliveries", headers=roles[Role.SUPERVISOR]).json()
            if sum(d["status"] == "delivered" for d in log["data"]) == 3:
                break
            assert time.monotonic() < deadline, (log, received.requests)
            time.sleep(0.05)
        hooks.delete(path, headers=roles[Role.SUPERVISOR])
    bodies = [json.loads(body) for body in received.accepted()]
    assert [b["claim_number"] for b in bodies] == [c["claim_number"] for c in claims]
    for headers, body, _ in received.requests:
        Verifier(created["secret"]).verify(body, headers)
    first = next(d for d in log["data"] if d["position"] == claims[0]["position"])
    assert (first["status"], first["attempts"], first["response_status"]) == ("delivered", 4, 204)
    assert first["last_error"] == "HTTP 500"
