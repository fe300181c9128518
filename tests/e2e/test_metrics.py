"""``GET /metrics``: requests by route template and status, commands by type, refusals by reason."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres
Headers = dict[Role, dict[str, str]]
NOTES_ROUTE = "/api/v1/claims/{claim_id}/notes"


def sample(client: TestClient, reader: dict[str, str], name: str, **labels: str) -> float:
    """One series' value from the Prometheus text (0 when the series does not exist yet)."""
    text = client.get("/metrics", headers=reader).text
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and ",".join(sorted(match[1].split(","))) == wanted:
            return float(match[2])
    return 0.0


def test_commands_requests_and_refusals_are_counted(client: TestClient, as_role: Headers) -> None:
    supervisor, auditor = as_role[Role.SUPERVISOR], as_role[Role.AUDITOR]
    claim_id = new_claim(client, supervisor)["claim_id"]
    before = {
        "notes": sample(client, auditor, "sanbao_commands_total", command="notes"),
        "refund": sample(client, auditor, "sanbao_commands_total", command="refund"),
        "ok": sample(
            client,
            auditor,
            "sanbao_http_requests_total",
            method="POST",
            route=NOTES_ROUTE,
            status="200",
        ),
        "latency": sample(
            client,
            auditor,
            "sanbao_http_request_duration_seconds_count",
            method="POST",
            route=NOTES_ROUTE,
        ),
        "refused": sample(client, auditor, "sanbao_refusals_total", reason="permission-denied"),
    }
    for _ in range(3):
        answer = client.post(
            f"/api/v1/claims/{claim_id}/notes", json={"text": "回访客户"}, headers=supervisor
        )
        assert answer.status_code == 200, answer.text
    refused = client.post(
        f"/api/v1/claims/{claim_id}/refund", json={"amount": "1.00"}, headers=as_role[Role.AGENT]
    )
    assert refused.status_code == 403

    assert sample(client, auditor, "sanbao_commands_total", command="notes") == before["notes"] + 3
    assert (
        sample(
            client,
            auditor,
            "sanbao_http_requests_total",
            method="POST",
            route=NOTES_ROUTE,
            status="200",
        )
        == before["ok"] + 3
    )
    assert (
        sample(
            client,
            auditor,
            "sanbao_http_request_duration_seconds_count",
            method="POST",
            route=NOTES_ROUTE,
        )
        == before["latency"] + 3
    )
    assert (
        sample(client, auditor, "sanbao_refusals_total", reason="permission-denied")
        == before["refused"] + 1
    )
    assert sample(client, auditor, "sanbao_commands_total", command="refund") == before["refund"]


def test_metrics_are_served_only_to_a_token_with_the_metrics_permission(
    client: TestClient, as_role: Headers
) -> None:
    assert client.get("/metrics").status_code == 401
    refused = client.get("/metrics", headers=as_role[Role.AGENT])
    assert refused.status_code == 403
    assert refused.json()["permission"] == "metrics:read"
    assert client.get("/metrics", headers=as_role[Role.AUDITOR]).status_code == 200
    assert client.get("/healthz").status_code == 200
