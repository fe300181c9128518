"""Over HTTP: quotes at the decided price, remedies per quantity of a line, a claim's costs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import report_body
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]


def used_bulbs(client: TestClient, as_role: Headers, kind: str, **diagnosis: Any) -> str:
    """4 × ¥100 bulbs bought 10 days ago, used and brought back for preference: the
    decision (preference-used-discount) prices an exchange at 80 % and deducts
    depreciation 100.00 × 0.004 × 10 days = 4.00 per unit from a return."""
    body = report_body()
    body["kind"] = body["requested_remedy"] = kind
    body["items"][0].update(price="100.00", quantity=4)
    bought = (business_today() - timedelta(days=10)).isoformat()
    body["purchase"] = {"purchased_on": bought, "payment_method": "alipay"}
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert reported.status_code == 201, reported.text
    claim_id: str = reported.json()["claim_id"]
    found = {"finding": "用过", "cause": "customer_preference", "item_no": 1, "goods_used": True}
    command(client, as_role[Role.TECHNICIAN], claim_id, "diagnose", **found, **diagnosis)
    return claim_id


def command(client: TestClient, headers: dict[str, str], claim_id: str, name: str, **body: Any):  # type: ignore[no-untyped-def]
    response = post(client, headers, claim_id, name, **body)
    assert response.status_code == 200, response.text
    return response.json()


def post(client: TestClient, headers: dict[str, str], claim_id: str, name: str, **body: Any):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/claims/{claim_id}/{name}", json=body, headers=headers)


def claim(client: TestClient, as_role: Headers, claim_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.SUPERVISOR])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def events(client: TestClient, as_role: Headers, claim_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/claims/{claim_id}/history", headers=as_role[Role.AUDITOR])
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_the_claim_shows_the_decided_price_before_the_quote_and_a_bare_quote_takes_it(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = used_bulbs(client, as_role, "exchange", remedy="exchange", quantity=2)
    item = claim(client, as_role, claim_id)["items"][0]
    assert item["remedy_quantity"] == 2
    assert item["quote_due"]["amount"] == "160.00"
    assert "100.00 × 0.8 × 2 units" in item["quote_due"]["description"]
    command(client, as_role[Role.TECHNICIAN], claim_id, "quote", item_no=1)
    assert claim(client, as_role, claim_id)["items"][0]["quoted_amount"] == "160.00"


def test_a_hand_typed_quote_off_the_decided_price_is_refused_naming_field_price_and_rule(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = used_bulbs(client, as_role, "exchange", remedy="exchange", quantity=2)
    before = len(events(client, as_role, claim_id))
    lines = [{"description": "换货", "amount": "200.00"}]
    response = post(client, as_role[Role.TECHNICIAN], claim_id, "quote", item_no=1, lines=lines)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "urn:sanbao:problem:quote-off-decision"
    assert problem["errors"][0]["field"] == "lines"
    assert problem["errors"][0]["expected"] == "160.00"
    assert "discount" in problem["rule"]
    assert "160.00" in problem["detail_zh"]
    assert len(events(client, as_role, claim_id)) == before


def test_a_supervisor_overrides_the_decided_price_with_a_reason_the_event_records(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = used_bulbs(client, as_role, "exchange", remedy="exchange", quantity=2)
    lines = [{"description": "换货（老客户）", "amount": "150.00"}]
    forbidden = post(
        client, as_role[Role.SPECIALIST], claim_id, "quote", item_no=1, lines=lines,
        override_reason="goodwill",
    )  # fmt: skip
    assert forbidden.status_code == 403, forbidden.text
    command(
        client, as_role[Role.SUPERVISOR], claim_id, "quote", item_no=1, lines=lines,
        override_reason="goodwill",
    )  # fmt: skip
    quoted = next(e for e in events(client, as_role, claim_id) if e["event_type"] == "Quoted")
    assert (quoted["data"]["amount"], quoted["data"]["override_reason"]) == ("150.00", "goodwill")


def test_two_of_four_units_are_exchanged_and_each_unit_shows_its_remedy(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = used_bulbs(client, as_role, "exchange", remedy="exchange", quantity=2)
    command(client, as_role[Role.TECHNICIAN], claim_id, "quote", item_no=1)
    command(client, as_role[Role.AGENT], claim_id, "accept-quote", item_no=1)
    warehouse = as_role[Role.WAREHOUSE]
    one = post(client, warehouse, claim_id, "ship-replacement", item_no=1, serial_no="R-1")
    assert one.status_code == 422, one.text
    assert one.json()["errors"][0]["field"] == "serial_nos"
    command(
        client, warehouse, claim_id, "ship-replacement", item_no=1,
        serial_nos=["R-1", "R-2"], shipping_cost="12.00",
    )  # fmt: skip
    shown = claim(client, as_role, claim_id)
    units = [
        (u["unit"], u["remedy"], u["replacement_serial_no"]) for u in shown["items"][0]["units"]
    ]
    assert units == [(1, "exchange", "R-1"), (2, "exchange", "R-2"), (3, None, ""), (4, None, "")]
    assert shown["items"][0]["replacement_serial_nos"] == ["R-1", "R-2"]
    assert shown["costs"]["shipping"] == "12.00"


def test_a_return_of_used_goods_takes_no_quote_and_deducts_depreciation_per_unit(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = used_bulbs(client, as_role, "return", remedy="return", quantity=3)
    quote = post(client, as_role[Role.TECHNICIAN], claim_id, "quote", item_no=1)
    assert quote.status_code == 409, quote.text
    command(
        client, as_role[Role.WAREHOUSE], claim_id, "receive-return", item_no=1,
        inspection="used", shipping_cost="8.00",
    )  # fmt: skip
    command(client, as_role[Role.SPECIALIST], claim_id, "refund", item_no=1)
    shown = claim(client, as_role, claim_id)
    # 3 × (100.00 − 4.00): depreciation per unit, times the units returned.
    assert shown["items"][0]["refunded_amount"] == "288.00"
    assert shown["costs"] == {
        "parts": "0", "labour": "0", "shipping": "8.00", "refunds": "288.00", "total": "296.00"
    }  # fmt: skip


def test_a_repairs_parts_and_labour_are_totalled_on_the_claim(
    client: TestClient, as_role: Headers
) -> None:
    body = report_body()
    body["kind"] = body["requested_remedy"] = "repair"
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    claim_id = reported.json()["claim_id"]
    tech = as_role[Role.TECHNICIAN]
    diagnosis = {"finding": "焊点虚接", "cause": "quality_defect", "item_no": 1}
    command(client, tech, claim_id, "diagnose", **diagnosis)
    command(client, tech, claim_id, "start-repair", item_no=1, mode="mail_in")
    command(
        client, tech, claim_id, "record-repair", item_no=1, outcome="fixed", parts=["灯座"],
        parts_cost="30.00", labour_cost="45.00",
    )  # fmt: skip
    costs = claim(client, as_role, claim_id)["costs"]
    assert (costs["parts"], costs["labour"], costs["total"]) == ("30.00", "45.00", "75.00")


@pytest.mark.parametrize("quantity", [0, 5])
def test_a_quantity_outside_the_line_is_refused(
    client: TestClient, as_role: Headers, quantity: int
) -> None:
    body = report_body()
    body["items"][0].update(price="100.00", quantity=4)
    claim_id = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT]).json()[
        "claim_id"
    ]
    diagnosis = {"finding": "坏", "cause": "quality_defect", "item_no": 1, "quantity": quantity}
    response = post(client, as_role[Role.TECHNICIAN], claim_id, "diagnose", **diagnosis)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].endswith("quantity")
