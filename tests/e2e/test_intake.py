"""Intake over HTTP: categories the policy knows, model codes that trace and filters match."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim, report_body
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres
UNKNOWN_CATEGORY = "urn:sanbao:problem:unknown-category"


def test_an_unknown_category_is_refused_at_report_listing_the_valid_ones(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    body = report_body()
    body["items"][0]["category"] = "fridge"
    response = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == UNKNOWN_CATEGORY
    assert problem["errors"][0]["field"] == "items[0].category"
    assert "lighting" in problem["valid"] and "fridge" not in problem["valid"]
    assert "fridge" in problem["detail"] and "fridge" in problem["detail_zh"]


def test_a_refused_category_stores_no_claim(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    body = report_body()
    body["items"][0]["category"] = "fridge"
    client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    serial = body["items"][0]["serial_no"]
    listed = client.get(f"/api/v1/claims?serial_no={serial}", headers=as_role[Role.AGENT])
    assert listed.json()["count"] == 0


def test_policy_evaluate_refuses_an_unknown_category_the_same_way(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    today = business_today().isoformat()
    facts = {"category": "fridge", "purchased_on": today, "reported_on": today,
             "cause": "quality_defect"}  # fmt: skip
    response = client.post("/api/v1/policy/evaluate", json=facts, headers=as_role[Role.AGENT])
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == UNKNOWN_CATEGORY
    assert problem["errors"][0]["field"] == "category" and "lighting" in problem["valid"]


def test_a_model_with_a_name_in_it_is_refused_with_a_hint_to_use_model_name(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    body = report_body()
    body["items"][0]["model"] = "XD-450 吸顶灯"
    response = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["field"] == "items.0.model" and "model_name" in error["reason"]


def test_trace_and_the_claims_filter_find_a_model_by_its_code(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    wait = f"min_position={claim['position']}"
    listed = client.get(f"/api/v1/claims?model=XD-450&{wait}", headers=as_role[Role.SUPERVISOR])
    assert claim["claim_id"] in {c["claim_id"] for c in listed.json()["data"]}
    traced = client.get(f"/api/v1/trace/models/XD-450?{wait}", headers=as_role[Role.SUPERVISOR])
    assert traced.status_code == 200 and traced.json()["claims"] >= 1


def test_the_claim_shows_the_display_name_next_to_the_code(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    read = client.get(f"/api/v1/claims/{claim['claim_id']}", headers=as_role[Role.AGENT]).json()
    item = read["items"][0]["item"]
    assert (item["model"], item["model_name"]) == ("XD-450", "吸顶灯")
