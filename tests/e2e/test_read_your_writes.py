"""Read-your-writes: a view-backed read waits for the position a command returned."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres


def test_a_list_read_at_the_returned_position_sees_the_new_claim(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    for _ in range(5):
        claim = new_claim(client, as_role[Role.AGENT])
        serial = claim["claim"]["items"][0]["item"]["serial_no"]
        response = client.get(
            f"/api/v1/claims?serial_no={serial}&min_position={claim['position']}",
            headers=as_role[Role.AGENT],
        )
        assert response.status_code == 200
        assert [row["claim_id"] for row in response.json()["data"]] == [claim["claim_id"]]


def test_the_command_position_is_in_the_body_and_a_header(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    response = client.post(
        f"/api/v1/claims/{claim['claim_id']}/notes",
        json={"text": "x"},
        headers=as_role[Role.AGENT],
    )
    assert response.headers["x-ledger-position"] == str(response.json()["position"])
    assert response.headers["etag"] == '"2"'


def test_a_written_position_the_views_do_not_reach_is_503_with_retry_after(
    client: TestClient, as_role: dict[Role, dict[str, str]], runtime
) -> None:  # type: ignore[no-untyped-def]
    # A position beyond the head is refused at once (422); a written one is waited for.
    new_claim(client, as_role[Role.AGENT])
    watcher, runtime.watcher = runtime.watcher, None  # no view reports any position
    try:
        response = client.get(
            f"/api/v1/audit?min_position={runtime.head()}", headers=as_role[Role.AUDITOR]
        )
    finally:
        runtime.watcher = watcher
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["type"] == "urn:sanbao:problem:views-behind"
