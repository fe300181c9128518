"""Every error is application/problem+json with a stable type and the useful members."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres
PREFIX = "urn:sanbao:problem:"


def problem(response, status: int, slug: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == PREFIX + slug and body["status"] == status and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_a_request_without_a_token_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.get("/api/v1/claims")
    problem(response, 401, "not-authenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_unknown_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/claims", headers={"Authorization": "Bearer sbk_nope"})
    problem(response, 401, "not-authenticated")


def test_a_missing_permission_is_403_naming_role_and_permission(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    response = client.get("/api/v1/audit", headers=as_role[Role.WAREHOUSE])
    body = problem(response, 403, "permission-denied")
    assert body["role"] == "warehouse" and body["permission"] == "audit:read"


def test_an_unknown_claim_is_404(client: TestClient, as_role: dict[Role, dict[str, str]]) -> None:
    response = client.get(f"/api/v1/claims/{uuid.uuid4()}", headers=as_role[Role.AGENT])
    problem(response, 404, "claim-not-found")


def test_an_unknown_route_is_a_404_problem(client: TestClient) -> None:
    problem(client.get("/api/v1/nowhere"), 404, "not-found")


def test_a_refused_lifecycle_step_is_409_with_action_and_state(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    response = client.post(
        f"/api/v1/claims/{claim['claim_id']}/survey",
        json={"score": 5},
        headers=as_role[Role.AGENT],
    )
    body = problem(response, 409, "lifecycle")
    assert body["action"] == "record a survey" and body["state"] == "reported"


def test_a_stale_if_match_is_412_and_stores_nothing(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    url = f"/api/v1/claims/{claim['claim_id']}"
    headers = {**as_role[Role.AGENT], "If-Match": '"1"'}
    assert client.post(url + "/notes", json={"text": "one"}, headers=headers).status_code == 200
    response = client.post(url + "/notes", json={"text": "two"}, headers=headers)
    body = problem(response, 412, "stale-version")
    assert (body["current_version"], body["expected_version"]) == (2, 1)
    current = client.get(url, headers=as_role[Role.AGENT])
    assert current.headers["etag"] == '"2"' and current.json()["note_count"] == 1


def test_an_invalid_body_is_422_with_field_and_reason(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    response = client.post(
        f"/api/v1/claims/{claim['claim_id']}/survey",
        json={"score": 9},
        headers=as_role[Role.AGENT],
    )
    body = problem(response, 422, "validation")
    assert body["errors"][0]["field"] == "score" and body["errors"][0]["reason"]


def test_a_domain_rule_refusal_is_422_with_field_and_reason(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = client.post(
        f"/api/v1/claims/{claim['claim_id']}/notes",
        json={"text": "later", "occurred_at": tomorrow},
        headers=as_role[Role.AGENT],
    )
    body = problem(response, 422, "invalid-input")
    assert body["errors"] == [{"field": "occurred_at", "reason": "must not be in the future"}]


def test_a_revoked_token_is_refused_at_once(client: TestClient, runtime) -> None:  # type: ignore[no-untyped-def]
    name = f"e2e.revoked.{uuid.uuid4().hex[:6]}"
    headers = {"Authorization": f"Bearer {runtime.users.add(name, Role.AGENT)}"}
    assert client.get("/api/v1/policy", headers=headers).status_code == 200
    assert runtime.users.revoke(name)
    problem(client.get("/api/v1/policy", headers=headers), 401, "not-authenticated")


def test_a_nul_character_in_a_query_is_422_not_500(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    response = client.get("/api/v1/claims?serial_no=%00", headers=as_role[Role.SUPERVISOR])
    body = problem(response, 422, "invalid-input")
    assert body["errors"][0]["field"] == "serial_no"


def test_a_nul_character_in_a_command_body_is_422_and_stores_nothing(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim_id = new_claim(client, as_role[Role.AGENT])["claim"]["id"]
    response = client.post(
        f"/api/v1/claims/{claim_id}/notes", json={"text": "a\u0000b"}, headers=as_role[Role.AGENT]
    )
    problem(response, 422, "invalid-input")
    history = client.get(f"/api/v1/claims/{claim_id}/history", headers=as_role[Role.AGENT])
    assert history.json()["count"] == 1
