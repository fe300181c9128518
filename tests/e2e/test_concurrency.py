"""Concurrent commands on one claim: no update is lost; If-Match lets exactly one win."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = [pytest.mark.postgres, pytest.mark.fault]


def test_twenty_concurrent_notes_on_one_claim_lose_no_update(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    url = f"/api/v1/claims/{claim['claim_id']}"

    def send(n: int):  # type: ignore[no-untyped-def]
        return client.post(url + "/notes", json={"text": f"note {n}"}, headers=as_role[Role.AGENT])

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))
    assert {r.status_code for r in responses} == {200}
    assert sorted(r.json()["version"] for r in responses) == list(range(2, 22))
    current = client.get(url, headers=as_role[Role.AGENT])
    assert current.json()["note_count"] == 20 and current.headers["etag"] == '"21"'


def test_twenty_concurrent_commands_with_one_if_match_let_exactly_one_win(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    url = f"/api/v1/claims/{claim['claim_id']}/notes"
    headers = {**as_role[Role.AGENT], "If-Match": '"1"'}

    def send(n: int):  # type: ignore[no-untyped-def]
        return client.post(url, json={"text": f"note {n}"}, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(r.status_code for r in pool.map(send, range(20)))
    assert statuses == [200] + [412] * 19
