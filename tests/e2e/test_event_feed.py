"""The event feed over HTTP: the contract, pages, the SSE stream, refusals and roles."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.roles import EVENTS_READ, PERMISSIONS
from domain.vocabulary import Role
from projections.feed.contract import contract_document

from .claims import new_claim

pytestmark = pytest.mark.postgres
Headers = dict[Role, dict[str, str]]


def head(client: TestClient, as_role: Headers) -> int:
    answer = client.get("/api/v1/events?limit=1", headers=as_role[Role.AUDITOR]).json()
    return int(answer["head"])


def classify(client: TestClient, as_role: Headers, claim_id: str) -> None:
    body = {"problem_category": "product_fault", "priority": "high"}
    path = f"/api/v1/claims/{claim_id}/classify"
    assert client.post(path, json=body, headers=as_role[Role.AGENT]).status_code == 200


def test_the_contract_is_served_to_anyone(client: TestClient) -> None:
    response = client.get("/api/v1/events/schema")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(contract_document()))


def test_a_page_holds_the_new_claims_events_by_position(
    client: TestClient, as_role: Headers
) -> None:
    start = head(client, as_role)
    claim = new_claim(client, as_role[Role.AGENT])
    classify(client, as_role, claim["claim_id"])
    page = client.get(f"/api/v1/events?after={start}", headers=as_role[Role.AUDITOR]).json()
    mine = [e for e in page["data"] if e["claim_number"] == claim["claim_number"]]
    assert [e["type"] for e in mine] == ["reported", "classified"]
    assert mine[0]["position"] == claim["position"]
    assert mine[1]["data"] == {
        "problem_category": "product_fault",
        "priority": "high",
        "complaint_grade": None,
    }
    assert "刘洋" not in json.dumps(page, ensure_ascii=False)
    assert "13800138001" not in json.dumps(page)


def test_types_keep_only_the_named_events(client: TestClient, as_role: Headers) -> None:
    start = head(client, as_role)
    claim = new_claim(client, as_role[Role.AGENT])
    classify(client, as_role, claim["claim_id"])
    url = f"/api/v1/events?after={start}&types=classified"
    page = client.get(url, headers=as_role[Role.AUDITOR]).json()
    assert {e["type"] for e in page["data"]} == {"classified"}
    assert page["next_after"] >= claim["position"] + 1


def test_a_full_page_says_where_the_next_one_starts(client: TestClient, as_role: Headers) -> None:
    start = head(client, as_role)
    for _ in range(3):
        new_claim(client, as_role[Role.AGENT])
    first = client.get(f"/api/v1/events?after={start}&limit=2", headers=as_role[Role.AUDITOR])
    page = first.json()
    assert page["count"] == 2 and page["next_after"] == page["data"][-1]["position"]
    url = f"/api/v1/events?after={page['next_after']}&limit=2"
    second = client.get(url, headers=as_role[Role.AUDITOR]).json()
    assert second["data"][0]["position"] > page["next_after"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("types=reported,shipped", "types"), ("limit=5&since=3", "since"), ("after=-1", "after")],
)
def test_bad_parameters_are_refused_naming_the_field(
    client: TestClient, as_role: Headers, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/events?{query}", headers=as_role[Role.AUDITOR])
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert any(field in (e.get("field") or "") for e in problem["errors"]), problem
    if field != "after":
        assert problem["detail_zh"]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SYSTEM], ids=lambda r: r.value)
def test_only_roles_with_events_read_read_the_feed(
    client: TestClient, as_role: Headers, role: Role
) -> None:
    response = client.get("/api/v1/events?limit=1", headers=as_role[role])
    expected = 200 if EVENTS_READ in PERMISSIONS[role] else 403
    assert response.status_code == expected


def read_stream(client: TestClient, headers: dict[str, str], count: int) -> list[dict[str, Any]]:
    """The first ``count`` events of the SSE stream (id, event, data)."""
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    with client.stream("GET", "/api/v1/events/stream", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if not line:
                if "data" in current:
                    events.append(current)
                    if len(events) == count:
                        break
                current = {}
                continue
            name, _, value = line.partition(": ")
            current[name] = json.loads(value) if name == "data" else value
    return events


def test_the_stream_resumes_after_the_last_event_id(client: TestClient, as_role: Headers) -> None:
    start = head(client, as_role)
    claim = new_claim(client, as_role[Role.AGENT])
    classify(client, as_role, claim["claim_id"])
    headers = as_role[Role.AUDITOR] | {"Last-Event-ID": str(start)}
    first = read_stream(client, headers, 1)
    assert first[0]["id"] == str(claim["position"]) and first[0]["event"] == "reported"
    resumed = read_stream(client, as_role[Role.AUDITOR] | {"Last-Event-ID": first[0]["id"]}, 1)
    assert resumed[0]["event"] == "classified"
    assert resumed[0]["data"]["claim_number"] == claim["claim_number"]


def test_a_bad_last_event_id_is_refused(client: TestClient, as_role: Headers) -> None:
    headers = as_role[Role.AUDITOR] | {"Last-Event-ID": "abc"}
    response = client.get("/api/v1/events/stream", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Last-Event-ID"
