"""Command forms run the API's commands, with the API's validation and refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from api.ui.i18n import catalog
from api.ui.validation_texts import QUOTED
from domain.claim import BUSINESS_TZ
from domain.vocabulary import Role
from tests.e2e.claims import new_claim
from tests.ui.conftest import csrf_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def claim_id(client: TestClient, tokens: dict[Role, str]) -> UUID:
    headers = {"Authorization": f"Bearer {tokens[Role.AGENT]}"}
    return UUID(new_claim(client, headers)["claim_id"])


def post(browser: TestClient, claim_id: UUID, action: str, **fields: Any):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get(f"/ui/claims/{claim_id}").text)
    return browser.post(
        f"/ui/claims/{claim_id}/commands/{action}",
        data={"csrf_token": token, **fields},
        follow_redirects=False,
    )


def test_a_valid_form_records_the_event_and_the_timeline_grows(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    browser = as_role[Role.AGENT]
    response = post(browser, claim_id, "classify", problem_category="product_fault",
                    priority="high")  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/ui/claims/{claim_id}?min_position=")
    claim = runtime.ledger.get_claim(claim_id)
    assert (claim.version, claim.priority.value) == (2, "high")
    page = browser.get(response.headers["location"]).text
    assert page.count('<li id="v') == 2
    assert "e2e.agent" in page and "分类" in page


def test_a_form_with_a_dated_fact_reads_the_time_as_china_time(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    # A minute or two ahead (within the clock skew), so after the claim's previous fact.
    soon = runtime.ledger.clock() + timedelta(minutes=2)
    china = soon.astimezone(BUSINESS_TZ).strftime("%Y-%m-%dT%H:%M")
    response = post(as_role[Role.AGENT], claim_id, "notes", text="客户来电", occurred_at=china)
    assert response.status_code == 303
    noted = runtime.ledger.history(claim_id)[-1]
    assert noted.occurred_at.utcoffset().total_seconds() == 8 * 3600


def test_an_invalid_form_shows_the_apis_field_error_and_stores_nothing(
    as_role: dict[Role, TestClient],
    client: TestClient,
    tokens: dict[Role, str],
    runtime: Runtime,
    claim_id: UUID,
) -> None:
    api = client.post(
        f"/api/v1/claims/{claim_id}/classify",
        json={"problem_category": "broken"},
        headers={"Authorization": f"Bearer {tokens[Role.AGENT]}"},
    ).json()["errors"][0]
    response = post(as_role[Role.AGENT], claim_id, "classify", problem_category="broken")
    assert response.status_code == 422
    # The API's error, said in Chinese: the field by its name, each allowed value by its name.
    zh = catalog("zh")
    options = "、".join(zh[f"problem.{value}"] for value in QUOTED.findall(api["reason"]))
    field = zh[f"field.{api['field']}"]
    assert f'<strong class="field-name">{field}</strong>: 请从以下选择：{options}' in response.text
    assert runtime.ledger.get_claim(claim_id).version == 1


def test_a_missing_required_field_is_named(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    response = post(as_role[Role.AGENT], claim_id, "notes", text="")
    assert response.status_code == 422
    assert (
        f'<strong class="field-name">{catalog("zh")["field.text"]}</strong>: 必填' in response.text
    )
    assert runtime.ledger.get_claim(claim_id).version == 1


def test_a_refusal_in_the_claims_state_shows_the_apis_problem(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    response = post(as_role[Role.AGENT], claim_id, "survey", score="5")
    assert response.status_code == 409
    assert "cannot record a survey when the claim is reported" in response.text
    assert runtime.ledger.get_claim(claim_id).version == 1


def test_a_form_based_on_an_older_version_is_refused_as_stale(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    browser = as_role[Role.AGENT]
    token = csrf_of(browser.get(f"/ui/claims/{claim_id}").text)
    assert post(browser, claim_id, "notes", text="first").status_code == 303
    response = browser.post(
        f"/ui/claims/{claim_id}/commands/notes",
        data={"csrf_token": token, "expected_version": "1", "text": "second"},
    )
    assert response.status_code == 412
    assert runtime.ledger.get_claim(claim_id).version == 2


def test_a_form_without_the_sessions_csrf_token_is_refused_and_stores_nothing(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    browser = as_role[Role.SUPERVISOR]
    for data in ({"text": "forged"}, {"text": "forged", "csrf_token": "not-the-token"}):
        response = browser.post(f"/ui/claims/{claim_id}/commands/notes", data=data)
        assert response.status_code == 403
    assert runtime.ledger.get_claim(claim_id).version == 1


def test_another_sessions_csrf_token_does_not_pass(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    theirs = csrf_of(as_role[Role.AGENT].get("/ui/claims").text)
    response = as_role[Role.SUPERVISOR].post(
        f"/ui/claims/{claim_id}/commands/notes", data={"csrf_token": theirs, "text": "x"}
    )
    assert response.status_code == 403
    assert runtime.ledger.get_claim(claim_id).version == 1


def test_a_quote_form_sends_its_lines(
    as_role: dict[Role, TestClient], runtime: Runtime, claim_id: UUID
) -> None:
    technician = as_role[Role.TECHNICIAN]
    assert post(technician, claim_id, "diagnose", finding="用户改装", cause="unauthorised_repair",
                item_no="1").status_code == 303  # fmt: skip
    response = post(technician, claim_id, "quote", item_no="1",
                    **{"lines.0.description": "更换灯座", "lines.0.amount": "85.00",
                       "lines.1.description": "人工", "lines.1.amount": "30"})  # fmt: skip
    assert response.status_code == 303, response.text
    quoted = runtime.ledger.history(claim_id)[-1]
    assert [(line.description, str(line.amount)) for line in quoted.data["lines"]] == [
        ("更换灯座", "85.00"),
        ("人工", "30"),
    ]
