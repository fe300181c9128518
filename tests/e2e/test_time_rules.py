"""The time rules over HTTP: business time in order, zones, sane windows, history queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim, report_body
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]
PROBLEM = "urn:sanbao:problem:"


def now() -> datetime:
    return datetime.now().astimezone()


def command(
    client: TestClient, headers: dict[str, str], claim: dict[str, Any], action: str, **body: Any
) -> Any:
    return client.post(f"/api/v1/claims/{claim['claim_id']}/{action}", json=body, headers=headers)


def fields_of(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def diagnosed_for_repair(client: TestClient, as_role: Headers) -> dict[str, Any]:
    claim = new_claim(client, as_role[Role.AGENT])
    response = command(
        client,
        as_role[Role.TECHNICIAN],
        claim,
        "diagnose",
        finding="焊点虚接",
        cause="quality_defect",
        item_no=1,
        remedy="repair",
    )
    assert response.status_code == 200, response.text
    return claim


def test_an_acknowledgement_dated_before_the_report_is_refused_naming_the_previous_fact(
    client: TestClient, as_role: Headers
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    early = (now() - timedelta(days=1)).isoformat()
    response = command(
        client, as_role[Role.AGENT], claim, "acknowledge", message="已收到", occurred_at=early
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == PROBLEM + "time-order"
    assert fields_of(response) == ["occurred_at"]
    assert problem["claim_version"] == 1
    assert "detail_zh" in problem
    read = client.get(f"/api/v1/claims/{claim['claim_id']}", headers=as_role[Role.AGENT])
    assert read.json()["version"] == 1


def test_a_naive_schedule_is_refused_naming_the_field(client: TestClient, as_role: Headers) -> None:
    claim = diagnosed_for_repair(client, as_role)
    naive = (now() + timedelta(days=1)).replace(tzinfo=None).isoformat()
    response = command(
        client,
        as_role[Role.TECHNICIAN],
        claim,
        "schedule-repair",
        item_no=1,
        mode="on_site",
        scheduled_for=naive,
    )
    assert response.status_code == 422
    assert fields_of(response) == ["scheduled_for"]


def test_a_schedule_at_the_end_of_the_calendar_is_refused_and_the_claim_still_reads(
    client: TestClient, as_role: Headers
) -> None:
    claim = diagnosed_for_repair(client, as_role)
    response = command(
        client,
        as_role[Role.TECHNICIAN],
        claim,
        "schedule-repair",
        item_no=1,
        mode="on_site",
        scheduled_for="9999-12-31T23:59:59-14:00",
    )
    assert response.status_code == 422
    assert response.json()["type"] == PROBLEM + "out-of-window"
    assert fields_of(response) == ["scheduled_for"]
    read = client.get(f"/api/v1/claims/{claim['claim_id']}", headers=as_role[Role.AGENT])
    assert read.status_code == 200


def test_a_naive_business_time_is_refused_on_every_command(
    client: TestClient, as_role: Headers
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    naive = now().replace(tzinfo=None).isoformat()
    response = command(client, as_role[Role.AGENT], claim, "notes", text="x", occurred_at=naive)
    assert response.status_code == 422
    assert fields_of(response) == ["occurred_at"]


def test_a_purchase_dated_after_today_is_refused(client: TestClient, as_role: Headers) -> None:
    body = report_body()
    body["purchase"]["purchased_on"] = (business_today() + timedelta(days=3)).isoformat()
    response = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 422
    assert fields_of(response) == ["purchase.purchased_on"]


@pytest.mark.parametrize(
    "params",
    [
        {"created_from": "2026-11-01T00:00:00"},
        {"updated_to": "9999-12-31T00:00:00+08:00"},
        {"created_from": "1999-12-31T23:00:00+08:00"},
    ],
)
def test_a_list_period_without_a_zone_or_outside_its_window_is_refused(
    client: TestClient, as_role: Headers, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/claims", params=params, headers=as_role[Role.SUPERVISOR])
    assert response.status_code == 422
    assert fields_of(response) == list(params)


def test_a_policy_dry_run_in_year_9999_answers_422_naming_the_date(
    client: TestClient, as_role: Headers
) -> None:
    body = {
        "category": "lighting",
        "purchased_on": "2026-11-01",
        "reported_on": "9999-12-31",
        "cause": "quality_defect",
    }
    response = client.post("/api/v1/policy/evaluate", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 422
    assert fields_of(response) == ["reported_on"]


def test_a_version_beyond_the_current_one_answers_404_naming_the_current_version(
    client: TestClient, as_role: Headers
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    url = f"/api/v1/claims/{claim['claim_id']}"
    response = client.get(url, params={"version": 99}, headers=as_role[Role.AGENT])
    assert response.status_code == 404
    assert response.json()["type"] == PROBLEM + "version-not-found"
    assert response.json()["current_version"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"version": "1", "as_of": "2026-12-01T00:00:00+08:00"},
        {"as_of": "2026-12-01T00:00:00+08:00", "as_of_business": "2026-12-01T00:00:00+08:00"},
    ],
)
def test_version_as_of_and_as_of_business_exclude_each_other(
    client: TestClient, as_role: Headers, params: dict[str, str]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    response = client.get(
        f"/api/v1/claims/{claim['claim_id']}", params=params, headers=as_role[Role.AGENT]
    )
    assert response.status_code == 422
    assert response.json()["type"] == PROBLEM + "exclusive-parameters"
    assert fields_of(response) == list(params)


def test_the_state_as_of_a_business_time_leaves_out_later_facts_recorded_earlier(
    client: TestClient, as_role: Headers
) -> None:
    start = now() - timedelta(days=2)
    body = {**report_body(), "occurred_at": start.isoformat()}
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT]).json()
    headers = as_role[Role.AGENT]
    noted = command(client, headers, reported, "notes", text="today", occurred_at=now().isoformat())
    assert noted.status_code == 200, noted.text
    url = f"/api/v1/claims/{reported['claim_id']}"
    midway = (start + timedelta(days=1)).isoformat()
    as_of_business = client.get(url, params={"as_of_business": midway}, headers=headers)
    assert as_of_business.status_code == 200, as_of_business.text
    assert as_of_business.json()["version"] == 1
    before = (start - timedelta(hours=1)).isoformat()
    assert client.get(url, params={"as_of_business": before}, headers=headers).status_code == 404


def test_the_openapi_description_says_as_of_is_the_recorded_time(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/claims/{claim_id}"]["get"]
    described = {p["name"]: p.get("description", "") for p in operation["parameters"]}
    assert "recorded" in described["as_of"]
    assert "business" in described["as_of_business"]
