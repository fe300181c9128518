"""Over HTTP: a refund follows the 三包 decision and goes back the way it was paid."""

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


def returned_used_lamp(client: TestClient, as_role: Headers, payment_method: str) -> str:
    """A ¥200 lamp bought 5 days ago, used and returned for preference: the decision
    deducts depreciation 200.00 × 0.004 × 5 days = 4.00."""
    body = report_body()
    bought = (business_today() - timedelta(days=5)).isoformat()
    body["kind"] = body["requested_remedy"] = "return"
    body["items"][0]["price"] = "200.00"
    body["purchase"] = {"purchased_on": bought, "payment_method": payment_method}
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert reported.status_code == 201, reported.text
    claim_id: str = reported.json()["claim_id"]
    tech, warehouse = as_role[Role.TECHNICIAN], as_role[Role.WAREHOUSE]
    diagnosis = {"finding": "不喜欢", "cause": "customer_preference", "item_no": 1}
    command(client, tech, claim_id, "diagnose", **diagnosis, goods_used=True, remedy="return")
    # A return is never quoted: the used goods come back at once.
    command(client, warehouse, claim_id, "receive-return", item_no=1, inspection="used")
    return claim_id


def command(client: TestClient, headers: dict[str, str], claim_id: str, name: str, **body: Any):  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/claims/{claim_id}/{name}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def refund(client: TestClient, headers: dict[str, str], claim_id: str, **body: Any):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/claims/{claim_id}/refund", json={"item_no": 1, **body}, headers=headers
    )


def refunded_event(client: TestClient, as_role: Headers, claim_id: str) -> dict[str, Any]:
    history = client.get(f"/api/v1/claims/{claim_id}/history", headers=as_role[Role.AUDITOR])
    return next(e for e in history.json()["data"] if e["event_type"] == "Refunded")


def test_a_refund_without_amount_or_route_is_computed_from_the_decision_and_the_purchase(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = returned_used_lamp(client, as_role, "微信支付")
    response = refund(client, as_role[Role.SPECIALIST], claim_id)
    assert response.status_code == 200, response.text
    claim = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.SUPERVISOR]).json()
    assert claim["items"][0]["refunded_amount"] == "196.00"
    event = refunded_event(client, as_role, claim_id)
    assert (event["data"]["route"], event["data"]["override_reason"]) == ("wechat_pay", "")


def test_a_full_refund_where_the_decision_deducts_is_refused_naming_the_expected_amount(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = returned_used_lamp(client, as_role, "alipay")
    response = refund(client, as_role[Role.SPECIALIST], claim_id, amount="200.00", route="alipay")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "urn:sanbao:problem:refund-off-decision"
    assert problem["errors"][0]["field"] == "amount"
    assert problem["errors"][0]["expected"] == "196.00"
    assert "deductions" in problem["rule"]
    assert "196.00" in problem["detail_zh"]
    assert "Refunded" not in [e["event_type"] for e in history(client, as_role, claim_id)]


def test_a_cash_refund_of_a_wechat_pay_purchase_is_refused_naming_the_original_route(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = returned_used_lamp(client, as_role, "wechat_pay")
    response = refund(client, as_role[Role.SPECIALIST], claim_id, route="cash")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "route"
    assert problem["errors"][0]["expected"] == "wechat_pay"
    assert "原路返回" in problem["detail_zh"]


def test_a_supervisor_overrides_amount_and_route_with_a_reason_that_the_event_records(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = returned_used_lamp(client, as_role, "wechat_pay")
    reason = "goodwill: the customer's WeChat account is closed"
    response = refund(
        client,
        as_role[Role.SUPERVISOR],
        claim_id,
        amount="200.00",
        deductions=[],
        route="cash",
        override_reason=reason,
    )
    assert response.status_code == 200, response.text
    event = refunded_event(client, as_role, claim_id)
    assert (event["data"]["route"], event["data"]["override_reason"]) == ("cash", reason)


def test_an_override_by_anyone_but_a_supervisor_is_forbidden(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = returned_used_lamp(client, as_role, "alipay")
    response = refund(
        client, as_role[Role.SPECIALIST], claim_id, amount="200.00", override_reason="goodwill"
    )
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["field"] == "override_reason"


def test_an_override_of_a_refund_that_follows_the_decision_is_refused(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = returned_used_lamp(client, as_role, "alipay")
    response = refund(client, as_role[Role.SUPERVISOR], claim_id, override_reason="just because")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "override_reason"


def history(client: TestClient, as_role: Headers, claim_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/claims/{claim_id}/history", headers=as_role[Role.AUDITOR])
    data: list[dict[str, Any]] = response.json()["data"]
    return data
