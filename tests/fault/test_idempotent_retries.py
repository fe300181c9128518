"""Fifty concurrent retries of one request with one idempotency key store one set of events."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from tests.e2e.claims import new_claim, report_body

pytestmark = [pytest.mark.postgres, pytest.mark.fault]
RETRIES = 50


def test_fifty_concurrent_retries_of_a_note_record_it_once(
    client: TestClient, agent: dict[str, str]
) -> None:
    claim = new_claim(client, agent)
    headers = {**agent, "Idempotency-Key": uuid.uuid4().hex}
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    with ThreadPoolExecutor(max_workers=RETRIES) as pool:
        responses = list(
            pool.map(
                lambda _: client.post(url, json={"text": "回电"}, headers=headers), range(RETRIES)
            )
        )
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == RETRIES - 1
    history = client.get(f"/api/v1/claims/{claim['claim_id']}/history", headers=agent).json()
    assert [e["event_type"] for e in history["data"]] == ["Reported", "NoteAdded"]


def test_fifty_concurrent_retries_of_a_report_open_one_claim(
    client: TestClient, agent: dict[str, str]
) -> None:
    headers = {**agent, "Idempotency-Key": uuid.uuid4().hex}
    body = report_body()
    with ThreadPoolExecutor(max_workers=RETRIES) as pool:
        responses = list(
            pool.map(
                lambda _: client.post("/api/v1/claims", json=body, headers=headers), range(RETRIES)
            )
        )
    assert {r.status_code for r in responses} == {201}
    claim_ids = {r.json()["claim_id"] for r in responses}
    assert len(claim_ids) == 1
    history = client.get(f"/api/v1/claims/{claim_ids.pop()}/history", headers=agent).json()
    assert [e["event_type"] for e in history["data"]] == ["Reported"]
