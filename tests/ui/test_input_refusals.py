"""The console refuses malformed input with its own pages, never a 500."""

from __future__ import annotations

from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.e2e.claims import new_claim
from tests.ui.conftest import csrf_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def claim_id(client: TestClient, tokens: dict[Role, str]) -> UUID:
    headers = {"Authorization": f"Bearer {tokens[Role.AGENT]}"}
    return UUID(new_claim(client, headers)["claim_id"])


def test_a_nul_in_the_claim_list_query_is_a_422_page_naming_the_field(
    as_role: dict[Role, TestClient],
) -> None:
    response = as_role[Role.AGENT].get("/ui/claims?text=%00")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "text" in response.text


def test_a_nul_in_a_console_path_is_a_422_page(as_role: dict[Role, TestClient]) -> None:
    response = as_role[Role.AGENT].get("/ui/claims/SB%00X")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")


def test_a_page_size_in_superscript_digits_shows_the_default_page(
    as_role: dict[Role, TestClient],
) -> None:
    response = as_role[Role.AGENT].get("/ui/claims?limit=²")
    assert response.status_code == 200, response.text[-3000:]


def test_a_form_version_in_superscript_digits_is_refused_and_stores_nothing(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    browser = as_role[Role.AGENT]
    token = csrf_of(browser.get(f"/ui/claims/{claim_id}").text)
    response = browser.post(
        f"/ui/claims/{claim_id}/commands/notes",
        data={"csrf_token": token, "expected_version": "²", "text": "x"},
    )
    assert response.status_code == 422
    assert "must be a claim version such as 7" in response.text
    assert runtime.ledger.get_claim(claim_id).version == 1


def test_a_report_month_in_another_scripts_digits_is_a_422_page(
    as_role: dict[Role, TestClient],
) -> None:
    response = as_role[Role.SUPERVISOR].get("/ui/reports/monthly?month=2٠٢٦-11")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "unknown"),
    [("/ui/claims?status=reported&statuss=closed", "statuss"), ("/ui/home?x=1", "x"),
     ("/ui/sla?team=north&teem=south", "teem")],
)  # fmt: skip
def test_a_query_parameter_the_page_does_not_have_is_a_422_page_naming_it(
    as_role: dict[Role, TestClient], path: str, unknown: str
) -> None:
    response = as_role[Role.SUPERVISOR].get(path)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert unknown in response.text
    assert "查询参数" in response.text  # the reader's language (the console's default, zh-CN)


def test_the_claim_list_keeps_every_parameter_it_parses_itself(
    as_role: dict[Role, TestClient],
) -> None:
    response = as_role[Role.SUPERVISOR].get(
        "/ui/claims?status=reported&region=&overdue=true&text=LED&limit=50&cursor="
    )
    assert response.status_code == 200, response.text[-3000:]
