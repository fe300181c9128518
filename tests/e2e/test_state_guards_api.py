"""The state table and the closing rule, through the HTTP API: refusals are problems
naming the action, the state and the reason (in both languages), and store nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim, report_body

pytestmark = pytest.mark.postgres
PREFIX = "urn:sanbao:problem:"
Headers = dict[Role, dict[str, str]]


def post(client: TestClient, headers: dict[str, str], claim: dict[str, Any], action: str,
         **body: Any) -> Any:  # fmt: skip
    return client.post(f"/api/v1/claims/{claim['claim_id']}/{action}", json=body, headers=headers)


def refused(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PREFIX + slug
    return body


def version(client: TestClient, as_role: Headers, claim: dict[str, Any]) -> int:
    url = f"/api/v1/claims/{claim['claim_id']}"
    return int(client.get(url, headers=as_role[Role.AUDITOR]).json()["version"])


def resolved_exchange(client: TestClient, as_role: Headers) -> dict[str, Any]:
    claim = new_claim(client, as_role[Role.AGENT])
    tech, warehouse = as_role[Role.TECHNICIAN], as_role[Role.WAREHOUSE]
    diagnosis = {"finding": "线路故障", "cause": "quality_defect", "item_no": 1}
    assert post(client, tech, claim, "diagnose", **diagnosis).status_code == 200
    shipped = post(client, warehouse, claim, "ship-replacement", item_no=1, serial_no="NEW-1")
    assert shipped.status_code == 200, shipped.text
    return claim


def resolved_complaint(client: TestClient, as_role: Headers) -> dict[str, Any]:
    body = {**report_body(), "kind": "complaint", "requested_remedy": None}
    response = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 201, response.text
    claim: dict[str, Any] = response.json()
    found = post(client, as_role[Role.TECHNICIAN], claim, "diagnose",
                 finding="安排二次派工并致歉", cause="service_failure")  # fmt: skip
    assert found.status_code == 200, found.text
    return claim


def test_acknowledging_a_resolved_claim_is_a_409_that_stores_nothing(
    client: TestClient, as_role: Headers
) -> None:
    claim = resolved_exchange(client, as_role)
    before = version(client, as_role, claim)
    response = post(client, as_role[Role.AGENT], claim, "acknowledge", message="again")
    body = refused(response, 409, "lifecycle")
    assert (body["action"], body["state"]) == ("acknowledge", "resolved")
    assert "首次响应" in body["detail_zh"]
    assert version(client, as_role, claim) == before


def test_pausing_the_sla_with_no_clock_running_is_refused(
    client: TestClient, as_role: Headers
) -> None:
    agent = as_role[Role.AGENT]
    claim = new_claim(client, agent)
    assert post(client, agent, claim, "acknowledge", message="收到").status_code == 200
    response = post(client, agent, claim, "pause-sla", reason="waiting_on_customer")
    body = refused(response, 409, "lifecycle")
    assert body["reason"] == "no SLA clock is running"


def test_a_complaint_closes_only_after_the_customer_confirms(
    client: TestClient, as_role: Headers
) -> None:
    claim = resolved_complaint(client, as_role)
    specialist = as_role[Role.SPECIALIST]
    body = refused(post(client, specialist, claim, "close", reason="处理完毕"), 409,
                   "confirmation-required")  # fmt: skip
    assert body["detail_zh"]
    assert post(client, as_role[Role.AGENT], claim, "confirm").status_code == 200
    assert post(client, specialist, claim, "close", reason="处理完毕").status_code == 200


def test_a_supervisor_closes_an_unconfirmed_complaint_by_an_override_on_the_record(
    client: TestClient, as_role: Headers
) -> None:
    claim = resolved_complaint(client, as_role)
    override = {"reason": "处理完毕", "override_reason": "客户连续30天联系不上"}
    refused(post(client, as_role[Role.SPECIALIST], claim, "close", **override), 403,
            "override-not-permitted")  # fmt: skip
    assert post(client, as_role[Role.SUPERVISOR], claim, "close", **override).status_code == 200
    url = f"/api/v1/claims/{claim['claim_id']}/history"
    history = client.get(url, headers=as_role[Role.AUDITOR]).json()["data"]
    assert history[-1]["event_type"] == "Closed"
    assert "客户连续30天联系不上" in str(history[-1])


def test_reopening_returns_the_claim_to_in_progress(client: TestClient, as_role: Headers) -> None:
    claim = resolved_exchange(client, as_role)
    lead = as_role[Role.SPECIALIST]
    assert post(client, lead, claim, "close", reason="换货完成").status_code == 200
    assert post(client, lead, claim, "reopen", reason="新灯也不亮").status_code == 200
    url = f"/api/v1/claims/{claim['claim_id']}"
    assert client.get(url, headers=as_role[Role.AUDITOR]).json()["status"] == "in_progress"
