"""Over HTTP: processing time and breaches per owner in the monthly report; display names
next to model codes in trace answers and the claims list (lookups match the code)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.claim import BUSINESS_TZ
from domain.vocabulary import Role
from tests.e2e.claims import report_body

pytestmark = pytest.mark.postgres


def post(client: TestClient, headers: dict[str, str], path: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/claims{path}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def complaint(client: TestClient, as_role: dict[Role, dict[str, str]], **extra: Any) -> str:
    body = report_body() | {"kind": "complaint", "requested_remedy": None, **extra}
    body["items"][0]["model"] = model = f"KP-{uuid.uuid4().hex[:8]}"
    claim_id = post(client, as_role[Role.AGENT], "", **body)["claim_id"]
    return f"{claim_id}|{model}"


def month_of(moment: datetime) -> str:
    return f"{moment.astimezone(BUSINESS_TZ):%Y-%m}"


def test_the_monthly_report_gives_processing_time_per_model_and_team(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim_id, model = complaint(client, as_role).split("|")
    post(client, as_role[Role.SUPERVISOR], f"/{claim_id}/assign",
         team="after_sales_specialist", assignee=f"kp-{model}")  # fmt: skip
    resolved = post(client, as_role[Role.TECHNICIAN], f"/{claim_id}/diagnose",
                    finding="致歉", cause="service_failure")  # fmt: skip

    report = client.get(
        f"/api/v1/reports/monthly?month={month_of(datetime.now(UTC))}"
        f"&min_position={resolved['position']}",
        headers=as_role[Role.SUPERVISOR],
    ).json()

    mine = report["processing_time"]["by_model"][model]
    assert mine["claims"] == 1 and mine["mean_hours"] >= 0
    assert report["processing_time"]["by_team"]["after_sales_specialist"]["claims"] >= 1


def test_a_first_response_given_late_counts_as_a_breach_for_its_assignee(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    reported_at = datetime.now(UTC) - timedelta(days=3)
    assignee = f"kp-{uuid.uuid4().hex[:8]}"
    claim_id, _ = complaint(client, as_role, occurred_at=reported_at.isoformat()).split("|")
    post(client, as_role[Role.SUPERVISOR], f"/{claim_id}/assign", team="service_desk",
         assignee=assignee, occurred_at=(reported_at + timedelta(hours=1)).isoformat())  # fmt: skip
    late = post(client, as_role[Role.AGENT], f"/{claim_id}/acknowledge", message="收到")

    report = client.get(
        f"/api/v1/reports/monthly?month={month_of(reported_at + timedelta(hours=24))}"
        f"&min_position={late['position']}",
        headers=as_role[Role.SUPERVISOR],
    ).json()

    (mine,) = [b for b in report["sla_breaches"] if b["assignee"] == assignee]
    assert (mine["team"], mine["breaches"], mine["stopped_late"]) == ("service_desk", 1, 1)


def test_trace_answers_and_the_claims_list_show_the_display_name_next_to_the_code(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    body = report_body()
    body["items"][0]["model"] = model = f"KP-{uuid.uuid4().hex[:8]}"
    reported = post(client, as_role[Role.AGENT], "", **body)
    supervisor, wait = as_role[Role.SUPERVISOR], f"min_position={reported['position']}"
    serial = body["items"][0]["serial_no"]

    summary = client.get(f"/api/v1/trace/models/{model}?{wait}", headers=supervisor).json()
    story = client.get(f"/api/v1/trace/serials/{serial}?{wait}", headers=supervisor).json()
    listed = client.get(f"/api/v1/claims?model={model}&{wait}", headers=supervisor).json()
    by_name = client.get(f"/api/v1/trace/models/吸顶灯?{wait}", headers=supervisor).json()

    assert (summary["items"], summary["model_names"]) == (1, ["吸顶灯"])
    assert (story["claims"][0]["model"], story["claims"][0]["model_name"]) == (model, "吸顶灯")
    (row,) = listed["data"]
    assert (row["models"], row["model_names"]) == ([model], ["吸顶灯"])
    assert by_name["items"] == 0  # the display name is shown, never matched
