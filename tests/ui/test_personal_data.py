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
    response = browser.post(f"/ui/claims/{LF1}/reveal", data={"csrf_token": token})
    assert response.status_code == 200
    assert 'data-personal-data="revealed"' in response.text
    assert response.headers["x-personal-data"] == "revealed"
    assert "刘洋" in response.text and "13800138001" in response.text
    latest = log_of(runtime, "e2e.supervisor")[0]
    assert (latest.disclosure, latest.role) == ("revealed", "supervisor")
    assert latest.route == "POST /ui/claims/{reference}/reveal"
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
