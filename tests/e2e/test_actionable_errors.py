"""Errors people can act on: JSON syntax errors name line and column, dates and months show
the form expected with an example, a body that is not JSON is 415, lifecycle refusals speak
the domain's words in the language the caller prefers, and a future purchase date is blamed
on the field that holds it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim, report_body
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres
PREFIX = "urn:sanbao:problem:"
Headers = dict[Role, dict[str, str]]


def test_a_json_syntax_error_names_its_line_and_column(
    client: TestClient, as_role: Headers
) -> None:
    broken = '{\n  "kind": "exchange",\n  "channel": phone\n}'
    answer = client.post(
        "/api/v1/claims",
        content=broken,
        headers={**as_role[Role.AGENT], "Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["errors"][0]
    assert (error["field"], error["line"], error["column"]) == ("body", 3, 14)
    assert "line 3, column 14" in error["reason"]


def test_a_month_in_another_form_shows_the_form_expected(
    client: TestClient, as_role: Headers
) -> None:
    answer = client.get(
        "/api/v1/reports/monthly", params={"month": "2026/11"}, headers=as_role[Role.SUPERVISOR]
    )
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["field"] == "month"
    assert error["reason"] == "expected a month as YYYY-MM, e.g. 2026-11"
    assert "^" not in error["reason"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026/12/01", "YYYY-MM-DD, e.g. 2026-11-30"), ("tomorrow", "YYYY-MM-DD")],
)
def test_a_date_in_another_form_shows_the_form_expected(
    client: TestClient, as_role: Headers, value: str, expected: str
) -> None:
    body = report_body()
    body["purchase"]["purchased_on"] = value
    answer = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["field"] == "purchase.purchased_on" and expected in error["reason"]


def test_a_time_without_offset_shows_an_example_with_one(
    client: TestClient, as_role: Headers
) -> None:
    answer = client.get(
        "/api/v1/audit",
        params={"recorded_from": "2026-12-01T10:00:00"},
        headers=as_role[Role.AUDITOR],
    )
    assert answer.status_code == 422
    assert "+08:00" in answer.json()["errors"][0]["reason"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415(
    client: TestClient, as_role: Headers, content_type: str | None
) -> None:
    headers = dict(as_role[Role.AGENT])
    if content_type:
        headers["Content-Type"] = content_type
    answer = client.post("/api/v1/claims", content=b'{"kind": "exchange"}', headers=headers)
    assert answer.status_code == 415, answer.text
    problem = answer.json()
    assert problem["type"] == PREFIX + "unsupported-media-type"
    assert "application/json" in problem["detail"]


def test_a_lifecycle_refusal_speaks_the_domain_s_words_in_either_language(
    client: TestClient, as_role: Headers
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    url = f"/api/v1/claims/{claim['claim_id']}/record-repair"
    body = {"item_no": 1, "outcome": "fixed"}
    english = client.post(url, json=body, headers=as_role[Role.SUPERVISOR])
    chinese = client.post(
        url, json=body, headers={**as_role[Role.SUPERVISOR], "Accept-Language": "zh-CN,zh;q=0.9"}
    )
    assert english.status_code == chinese.status_code == 409, english.text
    en, zh = english.json(), chinese.json()
    assert en["type"] == zh["type"]
    assert english.headers["content-language"] == "en"
    assert chinese.headers["content-language"] == "zh-CN"
    assert "_" not in en["detail"] and "in progress" in en["detail"], en["detail"]
    assert "已登记" in zh["detail"] and zh["title"] == "案件当前状态下不能执行此操作", zh
    assert (zh["action"], zh["state"]) == (en["action"], en["state"])


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("zh", "zh-CN"),
        ("zh-Hans-CN;q=0.8, fr;q=0.9", "zh-CN"),
        ("en-US,zh;q=0.5", "en"),
        ("de", "en"),
        (None, "en"),
    ],
)
def test_problems_negotiate_their_language(
    client: TestClient, as_role: Headers, accept: str | None, language: str
) -> None:
    headers = dict(as_role[Role.AGENT])
    if accept:
        headers["Accept-Language"] = accept
    answer = client.get("/api/v1/claims/LF-2026-9999", headers=headers)
    assert answer.status_code == 404 and answer.headers["content-language"] == language
    title = answer.json()["title"]
    assert (title == "没有这个案件") == (language == "zh-CN")


def test_a_purchase_after_the_report_is_blamed_on_the_purchase_date(
    client: TestClient, as_role: Headers
) -> None:
    body = report_body()
    body["purchase"]["purchased_on"] = (business_today() - timedelta(days=2)).isoformat()
    body["occurred_at"] = (datetime.now().astimezone() - timedelta(days=10)).isoformat()
    answer = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["purchase.purchased_on"]


def test_a_future_purchase_date_of_a_registration_names_its_own_field(
    client: TestClient, as_role: Headers
) -> None:
    body = {
        "serial_no": "FUTURE-0001",
        "model": "XD-450",
        "purchased_on": (business_today() + timedelta(days=3)).isoformat(),
        "channel": "store",
    }
    answer = client.post("/api/v1/units", json=body, headers=as_role[Role.AGENT])
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["purchased_on"]


def test_a_future_purchase_date_is_blamed_on_the_purchase_date(
    client: TestClient, as_role: Headers
) -> None:
    body = report_body()
    body["purchase"]["purchased_on"] = (business_today() + timedelta(days=30)).isoformat()
    answer = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert answer.status_code == 422, answer.text
    fields = [e["field"] for e in answer.json()["errors"]]
    assert fields == ["purchase.purchased_on"], answer.text
