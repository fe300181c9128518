"""The customer on the claim page: masked by default, revealed on request, every view logged."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.claim import Claim
from domain.vocabulary import Role
from storage.access_log import search_access_log
from storage.recorder import datastore_of
from tests.ui.conftest import csrf_of

pytestmark = pytest.mark.postgres

LF1 = Claim.create_id("LF-2026-0001")


def log_of(runtime: Runtime, actor: str) -> list[Any]:
    with datastore_of(runtime.ledger).get_connection() as conn:
        return search_access_log(conn, claim_id=LF1, actor=actor)


def test_the_page_shows_the_customer_masked_and_logs_that_view(
    as_role: dict[Role, TestClient], runtime: Runtime
) -> None:
    before = len(log_of(runtime, "e2e.agent"))
    page = as_role[Role.AGENT].get(f"/ui/claims/{LF1}").text
    assert 'data-personal-data="masked"' in page
    assert "刘*" in page and "刘洋" not in page
    logged = log_of(runtime, "e2e.agent")
    assert len(logged) == before + 1
    assert (logged[0].disclosure, logged[0].route) == ("masked", "GET /ui/claims/{reference}")


def test_revealing_shows_the_customer_in_clear_and_logs_it_first(
    as_role: dict[Role, TestClient], runtime: Runtime
) -> None:
    browser = as_role[Role.SUPERVISOR]
    token = csrf_of(browser.get(f"/ui/claims/{LF1}").text)
    form = {"csrf_token": token, "purpose": "contact_customer"}
    response = browser.post(f"/ui/claims/{LF1}/reveal", data=form)
    assert response.status_code == 200
    assert 'data-personal-data="revealed"' in response.text
    assert response.headers["x-personal-data"] == "revealed"
    assert "刘洋" in response.text and "13800138001" in response.text
    latest = log_of(runtime, "e2e.supervisor")[0]
    assert (latest.disclosure, latest.role) == ("revealed", "supervisor")
    assert latest.route == "POST /ui/claims/{reference}/reveal"
    assert latest.purpose == "contact_customer"
    assert set(latest.fields) >= {"name", "phone"}


def test_a_reveal_without_the_csrf_token_shows_nothing_and_logs_nothing(
    as_role: dict[Role, TestClient], runtime: Runtime
) -> None:
    before = log_of(runtime, "e2e.specialist")
    response = as_role[Role.SPECIALIST].post(f"/ui/claims/{LF1}/reveal", data={})
    assert response.status_code == 403
    assert "刘洋" not in response.text
    assert log_of(runtime, "e2e.specialist") == before


def test_a_role_without_personal_data_sees_the_region_only_and_cannot_reveal(
    as_role: dict[Role, TestClient], runtime: Runtime
) -> None:
    browser = as_role[Role.TECHNICIAN]
    page = browser.get(f"/ui/claims/{LF1}").text
    assert 'data-personal-data="withheld"' in page
    assert "刘" not in page.split('id="customer"')[1].split("</dl>")[0]
    assert "/reveal" not in page
    response = browser.post(f"/ui/claims/{LF1}/reveal", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 403
    assert "personal:read" in response.text
    assert log_of(runtime, "e2e.technician") == []


def test_the_reveal_form_offers_the_purposes_by_name(as_role: dict[Role, TestClient]) -> None:
    page = as_role[Role.SUPERVISOR].get(f"/ui/claims/{LF1}").text
    assert 'name="purpose"' in page and 'value="contact_customer"' in page
    assert "联系客户" in page and "办理退款" in page


def test_a_reveal_without_a_purpose_is_a_422_page_and_shows_and_logs_nothing(
    as_role: dict[Role, TestClient], runtime: Runtime
) -> None:
    browser = as_role[Role.AGENT]
    token = csrf_of(browser.get(f"/ui/claims/{LF1}").text)
    before = log_of(runtime, "e2e.agent")
    for purpose in ({}, {"purpose": "curiosity"}, {"purpose": "\x00"}):
        response = browser.post(f"/ui/claims/{LF1}/reveal", data={"csrf_token": token, **purpose})
        assert response.status_code == 422
        assert "须说明用途" in response.text or "不是可选的用途" in response.text
        assert "刘洋" not in response.text
    assert log_of(runtime, "e2e.agent") == before


def test_a_reveal_beyond_the_hourly_limit_is_a_429_page_with_retry_after(
    as_role: dict[Role, TestClient], runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = as_role[Role.SPECIALIST]
    token = csrf_of(browser.get(f"/ui/claims/{LF1}").text)
    already = sum(1 for r in log_of(runtime, "e2e.specialist") if r.disclosure == "revealed")
    monkeypatch.setattr(runtime.settings, "reveal_limit_per_hour", already + 1)
    form = {"csrf_token": token, "purpose": "verify_identity"}
    assert browser.post(f"/ui/claims/{LF1}/reveal", data=form).status_code == 200
    refused = browser.post(f"/ui/claims/{LF1}/reveal", data=form)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "上限" in refused.text and "刘洋" not in refused.text
    latest = log_of(runtime, "e2e.specialist")[0]
    assert (latest.disclosure, latest.purpose) == ("revealed", "verify_identity")
