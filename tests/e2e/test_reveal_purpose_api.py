"""A reveal over HTTP names its purpose (stored in the access log) and is held to the
user's hourly limit: 422 naming ``purpose`` without one, 429 with Retry-After beyond it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.e2e.claims import report_body
from tests.e2e.conftest import bearer

pytestmark = pytest.mark.postgres
Headers = dict[Role, dict[str, str]]


@pytest.fixture
def claim_id(client: TestClient, as_role: Headers) -> str:
    body = report_body()
    response = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 201, response.text
    return str(response.json()["claim_id"])


@pytest.fixture
def agent(runtime: Runtime) -> tuple[str, dict[str, str]]:
    """An agent of their own, so that no other test's reveals count toward the limit."""
    name = f"agent.{uuid.uuid4().hex[:8]}"
    return name, bearer(runtime.users.add(name, Role.AGENT))


def logged(client: TestClient, as_role: Headers, claim_id: str) -> list[dict[str, Any]]:
    response = client.get(
        "/api/v1/access-log", params={"claim": claim_id}, headers=as_role[Role.AUDITOR]
    )
    rows: list[dict[str, Any]] = response.json()["data"]
    return rows


def read(client: TestClient, claim_id: str, headers: dict[str, str], **params: str) -> Any:
    return client.get(f"/api/v1/claims/{claim_id}", params=params, headers=headers)


def test_a_reveal_names_its_purpose_and_the_access_log_keeps_it(
    client: TestClient, as_role: Headers, claim_id: str
) -> None:
    shown = read(client, claim_id, as_role[Role.AGENT], reveal="personal", purpose="process_refund")
    assert shown.status_code == 200 and shown.json()["customer"]["personal_data"] == "revealed"
    (row,) = logged(client, as_role, claim_id)
    assert (row["disclosure"], row["purpose"]) == ("revealed", "process_refund")


def test_a_masked_read_has_no_purpose_in_the_access_log(
    client: TestClient, as_role: Headers, claim_id: str
) -> None:
    assert read(client, claim_id, as_role[Role.AGENT]).status_code == 200
    (row,) = logged(client, as_role, claim_id)
    assert (row["disclosure"], row["purpose"]) == ("masked", None)


def test_a_reveal_without_a_purpose_is_a_422_naming_purpose_in_both_languages(
    client: TestClient, as_role: Headers, claim_id: str
) -> None:
    response = read(client, claim_id, as_role[Role.AGENT], reveal="personal")
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["errors"][0]["field"] == "purpose"
    assert "contact_customer" in problem["errors"][0]["reason"]
    assert "须说明用途" in problem["detail_zh"] and "联系客户" in problem["detail_zh"]
    assert "personal_data" not in response.text
    assert logged(client, as_role, claim_id) == []


@pytest.mark.parametrize("purpose", ["curiosity", "\x00", "²", "contact_customer " * 50])
def test_an_unknown_purpose_is_a_422_naming_purpose_and_shows_nothing(
    client: TestClient, as_role: Headers, claim_id: str, purpose: str
) -> None:
    response = read(client, claim_id, as_role[Role.AGENT], reveal="personal", purpose=purpose)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "purpose"
    assert logged(client, as_role, claim_id) == []


def test_a_purpose_without_a_reveal_is_refused_not_ignored(
    client: TestClient, as_role: Headers, claim_id: str
) -> None:
    response = read(client, claim_id, as_role[Role.AGENT], purpose="contact_customer")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "purpose"
    assert "reveal=personal" in response.json()["detail_zh"]
    assert logged(client, as_role, claim_id) == []


def test_a_reveal_beyond_the_hourly_limit_is_a_429_with_retry_after_and_shows_nothing(
    client: TestClient,
    as_role: Headers,
    claim_id: str,
    runtime: Runtime,
    agent: tuple[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, headers = agent
    monkeypatch.setattr(runtime.settings, "reveal_limit_per_hour", 2)
    for _ in range(2):
        ok = read(client, claim_id, headers, reveal="personal", purpose="contact_customer")
        assert ok.status_code == 200
    refused = read(client, claim_id, headers, reveal="personal", purpose="contact_customer")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "urn:sanbao:problem:reveal-limit"
    assert problem["limit"] == 2 and "上限" in problem["detail_zh"]
    assert int(refused.headers["Retry-After"]) == problem["retry_after"]
    assert 1 <= problem["retry_after"] <= 3600
    assert "customer" not in refused.json() and "personal_data" not in refused.text
    rows = [r for r in logged(client, as_role, claim_id) if r["actor"] == name]
    assert [r["disclosure"] for r in rows] == ["revealed", "revealed"]
    # Masked reads are not limited; another user is not held by this one's reveals.
    assert read(client, claim_id, headers).json()["customer"]["personal_data"] == "masked"
    other = read(client, claim_id, as_role[Role.SPECIALIST], reveal="personal",
                 purpose="contact_customer")  # fmt: skip
    assert other.status_code == 200
