"""Idempotency keys: retries replay the first response and store nothing new."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from domain.vocabulary import Role
from tests.e2e.claims import new_claim, report_body
from tests.e2e.conftest import api_settings

pytestmark = [pytest.mark.postgres, pytest.mark.fault]


def history_count(client: TestClient, headers: dict[str, str], claim_id: str) -> int:
    return client.get(f"/api/v1/claims/{claim_id}/history", headers=headers).json()["count"]


def test_twenty_concurrent_retries_with_one_key_record_one_note(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    headers = {**as_role[Role.AGENT], "Idempotency-Key": uuid.uuid4().hex}
    url = f"/api/v1/claims/{claim['claim_id']}/notes"

    def send(_: int):  # type: ignore[no-untyped-def]
        return client.post(url, json={"text": "客户来电询问进度"}, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 19
    assert history_count(client, as_role[Role.AGENT], claim["claim_id"]) == 2


def test_twenty_concurrent_reports_with_one_key_create_one_claim(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    headers = {**as_role[Role.AGENT], "Idempotency-Key": uuid.uuid4().hex}
    body = report_body()

    def send(_: int):  # type: ignore[no-untyped-def]
        return client.post("/api/v1/claims", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["claim_id"] for r in responses}) == 1
    serial = body["items"][0]["serial_no"]
    position = max(r.json()["position"] for r in responses)
    listed = client.get(
        f"/api/v1/claims?serial_no={serial}&min_position={position}",
        headers=as_role[Role.AGENT],
    ).json()
    assert listed["count"] == 1


def test_the_same_key_with_another_body_is_422(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    headers = {**as_role[Role.AGENT], "Idempotency-Key": uuid.uuid4().hex}
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    assert client.post(url, json={"text": "one"}, headers=headers).status_code == 200
    response = client.post(url, json={"text": "two"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:sanbao:problem:idempotency-key-reused"
    assert history_count(client, as_role[Role.AGENT], claim["claim_id"]) == 2


def test_a_refusal_is_replayed_too(client: TestClient, as_role: dict[Role, dict[str, str]]) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    headers = {**as_role[Role.AGENT], "Idempotency-Key": uuid.uuid4().hex}
    url = f"/api/v1/claims/{claim['claim_id']}/survey"
    first = client.post(url, json={"score": 5}, headers=headers)
    again = client.post(url, json={"score": 5}, headers=headers)
    assert first.status_code == again.status_code == 409
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"


def test_a_retry_after_a_restart_replays_the_first_response(
    client: TestClient, as_role: dict[Role, dict[str, str]], api_database_url: str
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    headers = {**as_role[Role.AGENT], "Idempotency-Key": uuid.uuid4().hex}
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    first = client.post(url, json={"text": "before the restart"}, headers=headers)
    restarted = create_app(api_settings(api_database_url, projections=False))
    with TestClient(restarted) as other:
        assert restarted.state.runtime.wait_until_ready(30)
        again = other.post(url, json={"text": "before the restart"}, headers=headers)
    assert again.status_code == 200 and again.content == first.content
    assert history_count(client, as_role[Role.AGENT], claim["claim_id"]) == 2


def test_keys_belong_to_their_user(client: TestClient, as_role: dict[Role, dict[str, str]]) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    key = uuid.uuid4().hex
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    for role in (Role.AGENT, Role.SPECIALIST):
        headers = {**as_role[role], "Idempotency-Key": key}
        assert client.post(url, json={"text": "same text"}, headers=headers).status_code == 200
    assert history_count(client, as_role[Role.AGENT], claim["claim_id"]) == 3
