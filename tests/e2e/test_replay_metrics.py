"""Idempotent replays and reused keys are counted under the route they were sent to (not
``route="unmatched"``), and a replay is no accepted command: it recorded nothing."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim
from tests.e2e.test_metrics import NOTES_ROUTE, sample

pytestmark = pytest.mark.postgres
Headers = dict[Role, dict[str, str]]


def test_a_replay_and_a_reused_key_are_counted_by_their_route(
    client: TestClient, as_role: Headers
) -> None:
    supervisor, auditor = as_role[Role.SUPERVISOR], as_role[Role.AUDITOR]
    claim_id = new_claim(client, supervisor)["claim_id"]
    keyed = {**supervisor, "Idempotency-Key": f"metrics-{uuid.uuid4()}"}

    def counts() -> dict[str, float]:
        labels = {"method": "POST", "route": NOTES_ROUTE}
        return {
            "ok": sample(
                client, auditor, "sanbao_http_requests_total", status="200", **labels
            ),
            "reused": sample(
                client, auditor, "sanbao_http_requests_total", status="422", **labels
            ),
            "replays": sample(client, auditor, "sanbao_idempotent_replays_total", **labels),
            "notes": sample(client, auditor, "sanbao_commands_total", command="notes"),
            "unmatched": sample(
                client, auditor, "sanbao_http_requests_total", method="POST",
                route="unmatched", status="200",
            ),
        }  # fmt: skip

    before = counts()
    url = f"/api/v1/claims/{claim_id}/notes"
    first = client.post(url, json={"text": "一次"}, headers=keyed)
    again = client.post(url, json={"text": "一次"}, headers=keyed)
    other = client.post(url, json={"text": "另一次"}, headers=keyed)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 422, other.text
    after = counts()
    assert after["ok"] - before["ok"] == 2  # the first answer and its replay
    assert after["replays"] - before["replays"] == 1
    assert after["notes"] - before["notes"] == 1  # the replay recorded nothing
    assert after["reused"] - before["reused"] == 1
    assert after["unmatched"] == before["unmatched"]
