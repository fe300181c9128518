"""Over HTTP: the warranty cost report by model, supplier and cause, and in the monthly report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.claim import BUSINESS_TZ
from domain.vocabulary import Role
from tests.e2e.claims import report_body

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]


def post(client: TestClient, headers: dict[str, str], path: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/claims{path}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def this_month() -> str:
    return f"{datetime.now(UTC).astimezone(BUSINESS_TZ):%Y-%m}"


@pytest.fixture(scope="module")
def repaired(client: TestClient, as_role: Headers) -> dict[str, Any]:
    """A lamp of a model and supplier of its own, repaired: parts 30.00 and labour 45.00."""
    body = report_body()
    body["kind"] = body["requested_remedy"] = "repair"
    model, supplier = f"CST-{uuid.uuid4().hex[:8]}", f"供应商-{uuid.uuid4().hex[:8]}"
    body["items"][0].update(model=model, supplier=supplier)
    claim_id = post(client, as_role[Role.AGENT], "", **body)["claim_id"]
    tech = as_role[Role.TECHNICIAN]
    post(client, tech, f"/{claim_id}/diagnose", finding="焊点", cause="quality_defect", item_no=1)
    post(client, tech, f"/{claim_id}/start-repair", item_no=1, mode="on_site")
    done = post(client, tech, f"/{claim_id}/record-repair", item_no=1, outcome="fixed",
                parts_cost="30.00", labour_cost="45.00")  # fmt: skip
    return {"model": model, "supplier": supplier, "position": done["position"]}


def costs(client: TestClient, as_role: Headers, query: str) -> Any:
    return client.get(f"/api/v1/reports/costs?{query}", headers=as_role[Role.SUPERVISOR])


@pytest.mark.parametrize("by", ["model", "supplier"])
def test_the_cost_report_gives_parts_and_labour_by_model_and_supplier(
    client: TestClient, as_role: Headers, repaired: dict[str, Any], by: str
) -> None:
    query = f"month={this_month()}&by={by}&min_position={repaired['position']}"
    response = costs(client, as_role, query)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["month"], report["by"]) == (f"{this_month()}-01", by)
    line = next(line for line in report["lines"] if line["key"] == repaired[by])
    assert (line["parts"], line["labour"], line["total"]) == ("30.00", "45.00", "75.00")


def test_the_monthly_report_carries_the_warranty_cost(
    client: TestClient, as_role: Headers, repaired: dict[str, Any]
) -> None:
    report = client.get(
        f"/api/v1/reports/monthly?month={this_month()}&min_position={repaired['position']}",
        headers=as_role[Role.SUPERVISOR],
    ).json()
    by_model = report["warranty_costs"]["model"]["lines"]
    assert any(line["key"] == repaired["model"] and line["total"] == "75.00" for line in by_model)
    assert set(report["warranty_costs"]) == {"model", "supplier", "cause"}


@pytest.mark.parametrize(
    ("query", "field"),
    [("month=2026-11&by=region", "by"), ("month=2026-11&team=x", "team"), ("by=model", "month")],
)
def test_the_cost_report_refuses_unknown_groupings_and_parameters(
    client: TestClient, as_role: Headers, query: str, field: str
) -> None:
    response = costs(client, as_role, query)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_the_cost_report_needs_the_reports_permission(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/reports/costs?month=2026-11", headers=as_role[Role.AGENT])
    assert response.status_code == 403, response.text
