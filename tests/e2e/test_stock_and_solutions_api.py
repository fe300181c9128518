"""Over HTTP: standard repair solutions and stock.

A diagnosis names a fault code of the catalogue and a repair the solution it applied;
the solutions report counts them with the first-time fix rate. Stock received for a
model makes its exchanges reserve a unit at diagnosis; without one the claim waits
with its SLA paused for parts, shipping is refused (409) until stock is received and
reserved, and a repair issues the parts it records (422 beyond the stock).

Each test stocks a model and parts of its own: the package's database is shared.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.claim import BUSINESS_TZ
from domain.vocabulary import Role
from tests.e2e.claims import report_body

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def reported(client: TestClient, as_role: Headers, model: str, remedy: str = "exchange") -> str:
    body = report_body()
    body["items"][0]["model"] = model
    body["kind"], body["requested_remedy"] = remedy, remedy
    answer = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert answer.status_code == 201, answer.text
    claim_id: str = answer.json()["claim_id"]
    return claim_id


def command(
    client: TestClient, as_role: Headers, role: Role, claim_id: str, action: str, **body: Any
) -> Any:
    return client.post(f"/api/v1/claims/{claim_id}/{action}", json=body, headers=as_role[role])


def diagnose(client: TestClient, as_role: Headers, claim_id: str, **body: Any) -> Any:
    finding = {"finding": "驱动板故障", "cause": "quality_defect", "item_no": 1, **body}
    return command(client, as_role, Role.TECHNICIAN, claim_id, "diagnose", **finding)


def receive(client: TestClient, as_role: Headers, sku: str, quantity: int, **body: Any) -> Any:
    receipt = {"warehouse": "main", "sku": sku, "quantity": quantity, **body}
    return client.post("/api/v1/stock/receipts", json=receipt, headers=as_role[Role.WAREHOUSE])


def stock_of(client: TestClient, as_role: Headers, sku: str) -> dict[str, Any]:
    answer = client.get("/api/v1/stock", headers=as_role[Role.AGENT])
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = next(i for i in answer.json()["data"] if i["sku"] == sku)
    return found


def history(client: TestClient, as_role: Headers, claim_id: str) -> list[str]:
    answer = client.get(f"/api/v1/claims/{claim_id}/history", headers=as_role[Role.SUPERVISOR])
    assert answer.status_code == 200, answer.text
    return [e["event_type"] for e in answer.json()["data"]]


def test_an_exchange_waits_for_stock_with_its_sla_paused_and_ships_once_reserved(
    client: TestClient, as_role: Headers
) -> None:
    model = unique("XD")
    assert receive(client, as_role, model, 1, low_stock_at=1).status_code == 201
    first, second = reported(client, as_role, model), reported(client, as_role, model)
    assert diagnose(client, as_role, first).status_code == 200
    shown = stock_of(client, as_role, model)
    assert (shown["on_hand"], shown["reserved"], shown["available"], shown["low"]) == (
        1,
        1,
        0,
        True,
    )
    assert [r["claim_id"] for r in shown["reservations"]] == [first]

    assert diagnose(client, as_role, second).status_code == 200
    assert history(client, as_role, second)[-2:] == ["Diagnosed", "SlaPaused"]
    paused = client.get(f"/api/v1/claims/{second}/history", headers=as_role[Role.SUPERVISOR])
    assert paused.json()["data"][-1]["data"]["reason"] == "waiting_on_parts"

    refused = command(
        client, as_role, Role.WAREHOUSE, second, "ship-replacement", item_no=1, serial_no="N-2"
    )
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:sanbao:problem:nothing-reserved"
    assert problem["detail_zh"] and model in problem["detail"]
    assert history(client, as_role, second)[-1] == "SlaPaused"  # nothing stored

    assert receive(client, as_role, model, 1).status_code == 201
    reserved = client.post(
        "/api/v1/stock/reservations",
        json={"claim_number": claim_number(client, as_role, second), "item_no": 1},
        headers=as_role[Role.WAREHOUSE],
    )
    assert reserved.status_code == 201, reserved.text
    assert history(client, as_role, second)[-1] == "SlaResumed"
    shipped = command(
        client, as_role, Role.WAREHOUSE, second, "ship-replacement", item_no=1, serial_no="N-2"
    )
    assert shipped.status_code == 200, shipped.text
    shown = stock_of(client, as_role, model)
    assert (shown["on_hand"], shown["reserved"]) == (1, 1)


def claim_number(client: TestClient, as_role: Headers, claim_id: str) -> str:
    answer = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.SUPERVISOR])
    number: str = answer.json()["claim_number"]
    return number


def test_a_repair_issues_its_parts_and_is_refused_beyond_the_stock(
    client: TestClient, as_role: Headers
) -> None:
    part = unique("PART")
    assert receive(client, as_role, part, 1).status_code == 201
    claim_id = reported(client, as_role, unique("XD"), remedy="repair")
    assert diagnose(client, as_role, claim_id, remedy="repair").status_code == 200
    started = command(
        client, as_role, Role.TECHNICIAN, claim_id, "start-repair", item_no=1, mode="on_site"
    )
    assert started.status_code == 200, started.text
    too_many = command(
        client,
        as_role,
        Role.TECHNICIAN,
        claim_id,
        "record-repair",
        item_no=1,
        outcome="fixed",
        parts=[part, part],
    )
    assert too_many.status_code == 422, too_many.text
    problem = too_many.json()
    assert problem["type"] == "urn:sanbao:problem:out-of-stock"
    assert problem["errors"] == [{"field": "parts", "reason": problem["errors"][0]["reason"]}]
    assert (problem["wanted"], problem["available"]) == (2, 1) and problem["detail_zh"]
    assert history(client, as_role, claim_id)[-1] == "RepairStarted"
    done = command(
        client,
        as_role,
        Role.TECHNICIAN,
        claim_id,
        "record-repair",
        item_no=1,
        outcome="fixed",
        parts=[part, "焊锡"],
    )
    assert done.status_code == 200, done.text
    assert stock_of(client, as_role, part)["on_hand"] == 0


def test_stock_requests_are_checked(client: TestClient, as_role: Headers) -> None:
    refused = receive(client, as_role, "XD-1", 0)
    assert refused.status_code == 422
    unknown = receive(client, as_role, "XD-1", 1, colour="red")
    assert unknown.status_code == 422
    denied = client.post(
        "/api/v1/stock/receipts",
        json={"warehouse": "main", "sku": "XD-1", "quantity": 1},
        headers=as_role[Role.TECHNICIAN],
    )
    assert denied.status_code == 403
    never = client.post(
        "/api/v1/stock/returns",
        json={"warehouse": "main", "sku": unique("NONE"), "quantity": 1},
        headers=as_role[Role.WAREHOUSE],
    )
    assert never.status_code == 404
    assert never.json()["type"] == "urn:sanbao:problem:stock-item-not-found"
    assert client.get("/api/v1/stock?colour=red", headers=as_role[Role.AGENT]).status_code == 422


def test_a_coded_diagnosis_and_its_solution_count_in_the_solutions_report(
    client: TestClient, as_role: Headers
) -> None:
    month = datetime.now(BUSINESS_TZ).strftime("%Y-%m")
    catalogue = client.get(
        "/api/v1/repair-solutions?category=lighting&model=LED-9W", headers=as_role[Role.AGENT]
    )
    assert catalogue.status_code == 200
    assert "LT-WIRING" in [f["fault_code"] for f in catalogue.json()["data"]]

    claim_id = reported(client, as_role, unique("XD"), remedy="repair")
    wrong = diagnose(client, as_role, claim_id, remedy="repair", fault_code="LA-COMPRESSOR")
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "fault_code" and wrong.json()["detail_zh"]
    assert history(client, as_role, claim_id) == ["Reported"]

    coded = diagnose(client, as_role, claim_id, remedy="repair", fault_code="LT-WIRING")
    assert coded.status_code == 200, coded.text
    before = solutions_line(client, as_role, month, 0)
    started = command(
        client, as_role, Role.TECHNICIAN, claim_id, "start-repair", item_no=1, mode="on_site"
    )
    assert started.status_code == 200
    other_fault = command(
        client,
        as_role,
        Role.TECHNICIAN,
        claim_id,
        "record-repair",
        item_no=1,
        outcome="fixed",
        solution_id="LT-SOCKET-REPLACE",
    )
    assert other_fault.status_code == 422
    assert other_fault.json()["errors"][0]["field"] == "solution_id"
    repaired = command(
        client,
        as_role,
        Role.TECHNICIAN,
        claim_id,
        "record-repair",
        item_no=1,
        outcome="fixed",
        solution_id="LT-WIRING-RESOLDER",
    )
    assert repaired.status_code == 200, repaired.text
    after = solutions_line(client, as_role, month, repaired.json()["position"])
    assert after["first_attempts"] == before["first_attempts"] + 1
    assert after["fixed_first_time"] == before["fixed_first_time"] + 1
    assert after["fault_code"] == "LT-WIRING"


def solutions_line(
    client: TestClient, as_role: Headers, month: str, position: int
) -> dict[str, Any]:
    query = f"month={month}" + (f"&min_position={position}" if position else "")
    answer = client.get(f"/api/v1/reports/solutions?{query}", headers=as_role[Role.SUPERVISOR])
    assert answer.status_code == 200, answer.text
    lines = [s for s in answer.json()["solutions"] if s["solution_id"] == "LT-WIRING-RESOLDER"]
    empty = {"fault_code": "", "first_attempts": 0, "fixed_first_time": 0}
    found: dict[str, Any] = lines[0] if lines else empty
    return found
