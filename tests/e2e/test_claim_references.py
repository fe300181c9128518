"""A claim is addressed by its number or its id on every path and filter; errors echo the
reference as the caller typed it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import new_claim
from tests.ui.conftest import sign_in

pytestmark = pytest.mark.postgres
UNKNOWN = "LF-2026-9999"


@pytest.fixture(scope="module")
def reported(client: TestClient, as_role: dict[Role, dict[str, str]]) -> dict[str, str]:
    answer = new_claim(client, as_role[Role.AGENT])
    return {"id": answer["claim_id"], "number": answer["claim"]["claim_number"]}


def test_a_claim_reads_the_same_by_number_and_by_id(
    client: TestClient, as_role: dict[Role, dict[str, str]], reported: dict[str, str]
) -> None:
    headers = as_role[Role.SUPERVISOR]
    by_number = client.get(f"/api/v1/claims/{reported['number']}", headers=headers)
    by_id = client.get(f"/api/v1/claims/{reported['id']}", headers=headers)
    assert by_number.status_code == by_id.status_code == 200, by_number.text
    assert by_number.json() == by_id.json()
    history = client.get(f"/api/v1/claims/{reported['number']}/history", headers=headers)
    assert history.status_code == 200 and history.json()["claim_id"] == reported["id"]
    proof = client.get(f"/api/v1/claims/{reported['number']}/proof", headers=headers)
    assert proof.status_code == 200, proof.text


def test_a_command_takes_the_claim_number(
    client: TestClient, as_role: dict[Role, dict[str, str]], reported: dict[str, str]
) -> None:
    answer = client.post(
        f"/api/v1/claims/{reported['number']}/notes",
        json={"text": "by number"},
        headers=as_role[Role.AGENT],
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["claim_id"] == reported["id"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/claims/{UNKNOWN}",
        f"/api/v1/claims/{UNKNOWN}/history",
        f"/api/v1/claims/{UNKNOWN}/proof",
        f"/api/v1/audit?claim_id={UNKNOWN}",
        f"/api/v1/audit/export?claim={UNKNOWN}",
        f"/api/v1/access-log?claim={UNKNOWN}",
    ],
)
def test_an_unknown_claim_is_404_naming_what_was_typed(
    client: TestClient, as_role: dict[Role, dict[str, str]], path: str
) -> None:
    answer = client.get(path, headers=as_role[Role.SUPERVISOR])
    assert answer.status_code == 404, answer.text
    problem = answer.json()
    assert problem["type"] == "urn:sanbao:problem:claim-not-found"
    assert problem["detail"] == f"claim {UNKNOWN} not found"


def test_an_unknown_claim_in_a_command_is_404_naming_what_was_typed(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.post(
        f"/api/v1/claims/{UNKNOWN}/notes", json={"text": "x"}, headers=as_role[Role.AGENT]
    )
    assert answer.status_code == 404 and answer.json()["detail"] == f"claim {UNKNOWN} not found"


def test_a_version_the_claim_lacks_names_the_number(
    client: TestClient, as_role: dict[Role, dict[str, str]], reported: dict[str, str]
) -> None:
    answer = client.get(
        f"/api/v1/claims/{reported['number']}?version=999", headers=as_role[Role.AGENT]
    )
    assert answer.status_code == 404
    assert reported["number"] in answer.json()["detail"]
    assert reported["id"] not in answer.json()["detail"]


@pytest.mark.parametrize("form", ["number", "id"])
def test_the_audit_filters_take_a_number_or_an_id(
    client: TestClient, as_role: dict[Role, dict[str, str]], reported: dict[str, str], form: str
) -> None:
    headers = as_role[Role.SUPERVISOR]
    reference = reported[form]
    client.get(f"/api/v1/claims/{reference}", headers=headers)  # an access log entry
    audit = client.get(f"/api/v1/audit?claim_id={reference}&min_position=1", headers=headers)
    assert audit.status_code == 200 and audit.json()["count"] >= 1, audit.text
    assert {row["claim_id"] for row in audit.json()["data"]} == {reported["id"]}
    export = client.get(f"/api/v1/audit/export?claim={reference}", headers=headers)
    assert export.status_code == 200 and int(export.headers["X-Export-Rows"]) >= 1
    log = client.get(f"/api/v1/access-log?claim={reference}", headers=headers)
    assert log.status_code == 200 and log.json()["count"] >= 1, log.text


def test_the_console_takes_a_number_or_an_id(
    client: TestClient, tokens: dict[Role, str], reported: dict[str, str]
) -> None:
    browser = TestClient(client.app, raise_server_exceptions=False)
    sign_in(browser, tokens[Role.SUPERVISOR])
    for reference in (reported["number"], reported["id"]):
        page = browser.get(f"/ui/claims/{reference}")
        assert page.status_code == 200 and reported["number"] in page.text
    missing = browser.get(f"/ui/claims/{UNKNOWN}")
    assert missing.status_code == 404 and UNKNOWN in missing.text
