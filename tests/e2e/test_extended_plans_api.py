"""Over HTTP: extended warranty plans (延保) sold against a unit, honoured by the decision.

A lamp bought 400 days ago is out of its 12-month warranty; with the policy's
``ext-1y`` plan sold against it (running the year after the statutory
warranty), a quality defect reported today is a free repair whose decision
names the plan. The plan statistics count the sale, the claim under it and its cost.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.claim import BUSINESS_TZ
from domain.policy.periods import add_months
from domain.vocabulary import Role
from tests.e2e.claims import report_body

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]
TODAY = datetime.now(BUSINESS_TZ).date()
BOUGHT = TODAY - timedelta(days=400)


def registered(
    client: TestClient, as_role: Headers, category: str = "lighting", bought: date = BOUGHT
) -> str:
    serial_no = f"PL-{uuid.uuid4().hex[:10]}"
    body = {
        "serial_no": serial_no,
        "model": "XD-450",
        "purchased_on": bought.isoformat(),
        "channel": "天猫旗舰店",
        "category": category,
    }
    response = client.post("/api/v1/units", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 201, response.text
    return serial_no


def sell(client: TestClient, as_role: Headers, serial_no: str, **body: Any) -> Any:
    return client.post(f"/api/v1/units/{serial_no}/plans", json=body, headers=as_role[Role.AGENT])


def diagnosed(
    client: TestClient,
    as_role: Headers,
    serial_no: str,
    category: str = "lighting",
    bought: date = BOUGHT,
) -> tuple[str, dict[str, Any]]:
    body = report_body(serial_no)
    body["kind"], body["requested_remedy"] = "repair", None
    body["items"][0]["category"] = category
    body["purchase"] = {"purchased_on": bought.isoformat()}
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert reported.status_code == 201, reported.text
    claim_id: str = reported.json()["claim_id"]
    finding = {"finding": "驱动板故障", "cause": "quality_defect", "item_no": 1}
    answer = client.post(
        f"/api/v1/claims/{claim_id}/diagnose", json=finding, headers=as_role[Role.TECHNICIAN]
    )
    assert answer.status_code == 200, answer.text
    claim = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.SUPERVISOR])
    decision: dict[str, Any] = claim.json()["items"][0]["decision"]
    return claim_id, decision


def test_a_plan_sold_against_a_unit_keeps_it_in_warranty_and_the_decision_names_it(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = registered(client, as_role)
    sold = sell(client, as_role, serial_no, plan_id="ext-1y")
    assert sold.status_code == 201, sold.text
    sale = sold.json()
    starts_on = add_months(BOUGHT, 12)
    assert sale["starts_on"] == starts_on.isoformat()
    assert sale["ends_on"] == (add_months(starts_on, 12) - timedelta(days=1)).isoformat()
    assert (sale["plan_id"], sale["price"], sale["covers"]) == (
        "ext-1y",
        "99.00",
        ["quality_defect"],
    )

    _, decision = diagnosed(client, as_role, serial_no)
    assert decision["free"] is True, decision
    assert decision["plan_id"] == "ext-1y"
    assert decision["warranty_ends_on"] == sale["ends_on"]
    assert "ext-1y" in decision["explanation"]
    unit = client.get(f"/api/v1/units/{serial_no}", headers=as_role[Role.AGENT]).json()
    assert [p["plan_id"] for p in unit["registration"]["plans"]] == ["ext-1y"]


def test_without_a_plan_the_same_unit_is_out_of_warranty(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = registered(client, as_role)
    _, decision = diagnosed(client, as_role, serial_no)
    assert decision["free"] is False, decision
    assert decision["plan_id"] == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plan_id": "ext-9y"}, "plan_id"),  # the policy offers no such plan
        ({"plan_id": "ext-2y-appliance"}, "plan_id"),  # sold for large appliances only
        ({"plan_id": "ext-1y", "colour": "red"}, "colour"),  # unknown fields are refused
    ],
)
def test_a_plan_the_unit_cannot_have_is_refused_naming_the_field_and_stores_nothing(
    client: TestClient, as_role: Headers, body: dict[str, Any], field: str
) -> None:
    serial_no = registered(client, as_role)
    refused = sell(client, as_role, serial_no, **body)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert field in refused.text
    unit = client.get(f"/api/v1/units/{serial_no}", headers=as_role[Role.AGENT]).json()
    assert unit["registration"]["plans"] == []


def test_a_plan_is_sold_once_per_unit_and_only_for_a_registered_unit(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = registered(client, as_role)
    assert sell(client, as_role, serial_no, plan_id="ext-1y").status_code == 201
    again = sell(client, as_role, serial_no, plan_id="ext-1y")
    assert again.status_code == 422 and "already sold" in again.json()["detail"]
    assert "detail_zh" in again.json()
    unknown = sell(client, as_role, f"PL-none-{uuid.uuid4().hex[:6]}", plan_id="ext-1y")
    assert unknown.status_code == 404, unknown.text


def test_plan_statistics_count_sales_claims_under_plans_and_their_cost(
    client: TestClient, as_role: Headers
) -> None:
    before = {
        row["plan_id"]: row
        for row in client.get("/api/v1/reports/plans", headers=as_role[Role.SUPERVISOR]).json()[
            "data"
        ]
    }
    # Large appliances have 24 months by statute; the plan runs the two years after.
    bought = TODAY - timedelta(days=800)
    serial_no = registered(client, as_role, category="large_appliance", bought=bought)
    assert sell(client, as_role, serial_no, plan_id="ext-2y-appliance").status_code == 201
    claim_id, decision = diagnosed(client, as_role, serial_no, "large_appliance", bought)
    assert decision["plan_id"] == "ext-2y-appliance", decision
    headers = as_role[Role.TECHNICIAN]
    started = {"item_no": 1, "mode": "mail_in"}
    assert client.post(f"/api/v1/claims/{claim_id}/start-repair", json=started, headers=headers)
    repaired = client.post(
        f"/api/v1/claims/{claim_id}/record-repair",
        json={"item_no": 1, "outcome": "fixed", "parts_cost": "120.00", "labour_cost": "30.00"},
        headers=headers,
    )
    assert repaired.status_code == 200, repaired.text
    position = repaired.json()["position"]

    stats = client.get(
        f"/api/v1/reports/plans?min_position={position}", headers=as_role[Role.SUPERVISOR]
    )
    assert stats.status_code == 200, stats.text
    row = {r["plan_id"]: r for r in stats.json()["data"]}["ext-2y-appliance"]
    earlier = before.get("ext-2y-appliance", {"sold": 0, "claims": 0, "cost": "0", "revenue": "0"})
    assert row["sold"] == earlier["sold"] + 1
    assert float(row["revenue"]) == float(earlier["revenue"]) + 299
    assert row["claims"] == earlier["claims"] + 1
    assert float(row["cost"]) == float(earlier["cost"]) + 150
