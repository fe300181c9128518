"""Idempotency keys at the API: their length, If-Match in the request digest, a retry
after a crash that came after the events committed, and the report's unknown fields."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.http import presenters
from api.http.app import create_app
from api.http.schemas.claims import ClaimReport
from api.service.runtime import Runtime
from domain.claim import Claim
from domain.vocabulary import Role
from storage.idempotency import (
    MAX_KEY_LENGTH,
    IdempotencyStore,
    KeyedRequest,
    request_digest,
    running_keyed,
)
from storage.recorder import datastore_of
from tests.e2e.claims import new_claim, report_body
from tests.e2e.conftest import api_settings
from tests.support.databases import scratch_database, sibling_name

pytestmark = [pytest.mark.postgres]


def history(client: TestClient, headers: dict[str, str], claim_id: str) -> list[str]:
    answer = client.get(f"/api/v1/claims/{claim_id}/history", headers=headers).json()
    return [entry["event_type"] for entry in answer["data"]]


def test_a_key_over_255_characters_is_a_400_problem_and_stores_nothing(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    agent = as_role[Role.AGENT]
    claim = new_claim(client, agent)
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    headers = {**agent, "Idempotency-Key": "k" * (MAX_KEY_LENGTH + 1)}
    for _ in range(3):
        response = client.post(url, json={"text": "too long a key"}, headers=headers)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"] == "urn:sanbao:problem:idempotency-key-too-long"
        assert problem["errors"][0]["field"] == "Idempotency-Key"
        assert "256" in problem["detail"] and "255" in problem["detail_zh"]
    assert history(client, agent, claim["claim_id"]) == ["Reported"]


def test_a_key_of_255_characters_makes_three_retries_one_note(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    agent = as_role[Role.AGENT]
    claim = new_claim(client, agent)
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    headers = {**agent, "Idempotency-Key": uuid.uuid4().hex.ljust(MAX_KEY_LENGTH, "x")}
    answers = [client.post(url, json={"text": "long key"}, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers.get("idempotent-replayed") for a in answers] == [None, "true", "true"]
    assert history(client, agent, claim["claim_id"]) == ["Reported", "NoteAdded"]


def test_if_match_is_part_of_the_request_a_key_stands_for(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    agent = as_role[Role.AGENT]
    claim = new_claim(client, agent)
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    keyed = {**agent, "Idempotency-Key": uuid.uuid4().hex}
    first = client.post(url, json={"text": "v1"}, headers={**keyed, "If-Match": '"1"'})
    assert first.status_code == 200
    same = client.post(url, json={"text": "v1"}, headers={**keyed, "If-Match": '"1"'})
    assert same.headers["idempotent-replayed"] == "true" and same.content == first.content
    other = client.post(url, json={"text": "v1"}, headers={**keyed, "If-Match": '"2"'})
    assert other.status_code == 422
    assert other.json()["type"] == "urn:sanbao:problem:idempotency-key-reused"
    bare = client.post(url, json={"text": "v1"}, headers=keyed)
    assert bare.status_code == 422
    assert history(client, agent, claim["claim_id"]) == ["Reported", "NoteAdded"]


def test_a_retry_after_a_crash_past_the_commit_replays_the_note_it_recorded(
    client: TestClient, runtime: Runtime, as_role: dict[Role, dict[str, str]]
) -> None:
    agent = as_role[Role.AGENT]
    claim = new_claim(client, agent)
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    body = {"text": "recorded before the crash"}
    store = IdempotencyStore(datastore_of(runtime.ledger), 2, 60)
    user = runtime.users.verify(agent["Authorization"].split()[1])
    assert user is not None
    # The first attempt, as the service runs it, up to its commit; then the process dies.
    crashed_key = uuid.uuid4().hex
    digest = request_digest("POST", url, "", json.dumps(body).encode())
    first = store.attempt(user.name, crashed_key, digest)
    assert isinstance(first, KeyedRequest)
    with running_keyed(first):
        result = runtime.ledger.command(
            Claim.add_note, uuid.UUID(claim["claim_id"]), user.actor, text=body["text"]
        )
    with store.datastore.get_connection() as conn:
        conn.execute(
            "UPDATE api.idempotency_keys SET lease_until = now() - interval '1 second'"
            " WHERE user_name = %s AND key = %s",
            (user.name, crashed_key),
        )
    retry = client.post(url, json=body, headers={**agent, "Idempotency-Key": crashed_key})
    assert retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.content == presenters.change_response(result).body
    assert retry.headers["x-ledger-position"] == str(result.position)
    again = client.post(url, json=body, headers={**agent, "Idempotency-Key": crashed_key})
    assert again.content == retry.content
    assert history(client, agent, claim["claim_id"]) == ["Reported", "NoteAdded"]


def test_unknown_fields_of_a_report_are_refused_by_name(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    agent = as_role[Role.AGENT]
    for body, field in (
        ({**report_body(), "colour": "red"}, "colour"),
        (
            {**report_body(), "customer": {**report_body()["customer"], "vip": True}},
            "customer.vip",
        ),
        (
            {**report_body(), "items": [{**report_body()["items"][0], "size": "L"}]},
            "items.0.size",
        ),
        (
            {**report_body(), "purchase": {"purchased_on": "2026-12-01", "shop": "x"}},
            "purchase.shop",
        ),
    ):
        serial = body["items"][0]["serial_no"]
        response = client.post("/api/v1/claims", json=body, headers=agent)
        assert response.status_code == 422, response.text
        fields = [error["field"] for error in response.json()["errors"]]
        assert field in fields
        listed = client.get(f"/api/v1/claims?serial_no={serial}", headers=agent).json()
        assert listed["count"] == 0


def test_a_retried_report_after_a_crash_past_the_commit_answers_the_claim_it_made(
    client: TestClient, runtime: Runtime, as_role: dict[Role, dict[str, str]]
) -> None:
    agent = as_role[Role.AGENT]
    body = report_body()
    store = IdempotencyStore(datastore_of(runtime.ledger), 2, 60)
    user = runtime.users.verify(agent["Authorization"].split()[1])
    assert user is not None
    key = uuid.uuid4().hex
    digest = request_digest("POST", "/api/v1/claims", "", json.dumps(body).encode())
    first = store.attempt(user.name, key, digest)
    assert isinstance(first, KeyedRequest)
    with running_keyed(first):  # the report commits; then the process dies
        result = runtime.ledger.report(user.actor, **ClaimReport(**body).to_kwargs())
    with store.datastore.get_connection() as conn:
        conn.execute(
            "UPDATE api.idempotency_keys SET lease_until = now() - interval '1 second'"
            " WHERE user_name = %s AND key = %s",
            (user.name, key),
        )
    head = runtime.ledger.recorder.max_notification_id()
    retry = client.post("/api/v1/claims", json=body, headers={**agent, "Idempotency-Key": key})
    assert retry.status_code == 201, retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    answer = retry.json()
    assert (answer["claim_id"], answer["position"]) == (str(result.claim_id), result.position)
    assert answer["claim"]["claim_number"] == result.claim_number
    assert runtime.ledger.recorder.max_notification_id() == head


def test_the_background_work_deletes_keys_past_their_retention(
    database_url: str, tmp_path: Path
) -> None:
    with scratch_database(database_url, sibling_name(database_url, "retention")) as url:
        app = create_app(api_settings(url, idempotency_retention=2, data_dir=tmp_path))
        with TestClient(app) as client:
            runtime: Runtime = app.state.runtime
            assert runtime.wait_until_ready(30)
            agent = {"Authorization": f"Bearer {runtime.users.add('ret.agent', Role.AGENT)}"}
            key = uuid.uuid4().hex
            headers = {**agent, "Idempotency-Key": key}
            claim = client.post("/api/v1/claims", json=report_body(), headers=headers)
            assert claim.status_code == 201
            deadline = time.monotonic() + 30  # a wait for the background work, not a timing
            with psycopg.connect(url, autocommit=True) as conn:
                while conn.execute(
                    "SELECT 1 FROM api.idempotency_keys WHERE key = %s", (key,)
                ).fetchone():
                    assert time.monotonic() < deadline, "the expired key was not deleted"
                    time.sleep(0.1)
