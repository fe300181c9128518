"""Fifty clients racing on one claim: no update is lost, versions stay gapless, and every
client that loses is either retried into success or told 409 (412 with If-Match)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.claims import new_claim

pytestmark = [pytest.mark.postgres, pytest.mark.fault]
CLIENTS = 50


def race(client: TestClient, url: str, bodies: list[dict[str, Any]], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(lambda body: client.post(url, json=body, headers=headers), bodies))


def versions_of(client: TestClient, claim_id: str, headers: dict[str, str]) -> list[int]:
    history = client.get(f"/api/v1/claims/{claim_id}/history", headers=headers).json()
    return [entry["version"] for entry in history["data"]]


def test_fifty_concurrent_notes_are_all_kept_with_gapless_versions(
    client: TestClient, agent: dict[str, str]
) -> None:
    claim = new_claim(client, agent)
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    responses = race(client, url, [{"text": f"note {n}"} for n in range(CLIENTS)], agent)
    assert {r.status_code for r in responses} == {200}
    assert sorted(r.json()["version"] for r in responses) == list(range(2, CLIENTS + 2))
    assert versions_of(client, claim["claim_id"], agent) == list(range(1, CLIENTS + 2))
    current = client.get(f"/api/v1/claims/{claim['claim_id']}", headers=agent).json()
    assert current["note_count"] == CLIENTS


def test_fifty_conflicting_pauses_let_one_win_and_tell_the_others_409(
    client: TestClient, agent: dict[str, str]
) -> None:
    claim = new_claim(client, agent)
    url = f"/api/v1/claims/{claim['claim_id']}/pause-sla"
    responses = race(client, url, [{"reason": "waiting_on_parts"}] * CLIENTS, agent)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (CLIENTS - 1)
    history = client.get(f"/api/v1/claims/{claim['claim_id']}/history", headers=agent).json()
    assert [e["event_type"] for e in history["data"]] == ["Reported", "SlaPaused"]


def test_fifty_commands_on_one_if_match_let_one_win_and_tell_the_others_412(
    client: TestClient, agent: dict[str, str]
) -> None:
    claim = new_claim(client, agent)
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    headers = {**agent, "If-Match": '"1"'}
    responses = race(client, url, [{"text": f"note {n}"} for n in range(CLIENTS)], headers)
    assert sorted(r.status_code for r in responses) == [200] + [412] * (CLIENTS - 1)
    assert versions_of(client, claim["claim_id"], agent) == [1, 2]
