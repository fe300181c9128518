"""The role decides what the console shows: pages in the navigation, commands on a claim."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.claim import Claim
from domain.vocabulary import Role
from tests.ui.conftest import csrf_of

pytestmark = pytest.mark.postgres

NAV = re.compile(r'<li><a href="(/ui/[a-z/-]+)"')
NAVIGATION = {
    Role.AGENT: ["/ui/home", "/ui/queue", "/ui/new-claim", "/ui/claims", "/ui/sla", "/ui/stock"],
    Role.TECHNICIAN: ["/ui/home", "/ui/queue", "/ui/claims", "/ui/trace", "/ui/stock"],
    Role.SPECIALIST: [
        "/ui/home", "/ui/queue", "/ui/new-claim", "/ui/claims", "/ui/sla", "/ui/trace",
        "/ui/reports/monthly", "/ui/stock",
    ],
    Role.WAREHOUSE: ["/ui/home", "/ui/queue", "/ui/claims", "/ui/stock"],
    Role.SUPERVISOR: [
        "/ui/home", "/ui/queue", "/ui/new-claim", "/ui/claims", "/ui/sla", "/ui/trace",
        "/ui/reports/monthly", "/ui/stock", "/ui/integrity", "/ui/webhooks", "/ui/access-log",
        "/ui/users",
        "/ui/downloads",
    ],
    Role.AUDITOR: [
        "/ui/home", "/ui/claims", "/ui/sla", "/ui/trace", "/ui/reports/monthly", "/ui/stock",
        "/ui/integrity", "/ui/access-log", "/ui/downloads",
    ],
}  # fmt: skip
COMMAND = re.compile(r'<details class="command" id="cmd-([a-z-]+)"')


def commands_on(browser: TestClient, claim: str) -> set[str]:
    return set(COMMAND.findall(browser.get(f"/ui/claims/{claim}").text))


@pytest.mark.parametrize("role", list(NAVIGATION), ids=[r.value for r in NAVIGATION])
def test_the_navigation_shows_the_pages_the_role_may_read(
    as_role: dict[Role, TestClient], role: Role
) -> None:
    assert NAV.findall(as_role[role].get("/ui/claims").text) == NAVIGATION[role]


def test_a_page_the_role_may_not_read_is_a_403_naming_the_permission(
    as_role: dict[Role, TestClient],
) -> None:
    response = as_role[Role.AGENT].get("/ui/reports/monthly")
    assert response.status_code == 403
    assert "the role &#39;agent&#39; does not have the permission &#39;reports:read&#39;" in (
        response.text
    )


def test_a_technician_is_offered_a_diagnosis_but_not_triage_or_closing(
    as_role: dict[Role, TestClient],
) -> None:
    offered = commands_on(as_role[Role.TECHNICIAN], "SB-2026-0008")
    assert "diagnose" in offered
    assert not offered & {"classify", "assign", "close", "refund", "ship-replacement"}


def test_an_auditor_is_offered_no_command(as_role: dict[Role, TestClient]) -> None:
    page = as_role[Role.AUDITOR].get("/ui/claims/SB-2026-0008").text
    assert not COMMAND.findall(page)
    assert 'id="no-commands"' in page


def test_the_claims_state_narrows_the_offer_to_reopen_on_a_closed_claim(
    as_role: dict[Role, TestClient],
) -> None:
    assert commands_on(as_role[Role.SUPERVISOR], "LF-2026-0001") == {"reopen"}


def test_warehouse_staff_get_no_shipment_before_a_diagnosis(
    as_role: dict[Role, TestClient],
) -> None:
    assert commands_on(as_role[Role.WAREHOUSE], "SB-2026-0008") == {"notes", "evidence"}


def test_a_posted_command_the_role_lacks_is_refused_and_stores_nothing(
    as_role: dict[Role, TestClient], runtime: Runtime
) -> None:
    claim_id = Claim.create_id("SB-2026-0008")
    before = runtime.ledger.get_claim(claim_id).version
    browser = as_role[Role.TECHNICIAN]
    token = csrf_of(browser.get(f"/ui/claims/{claim_id}").text)
    response = browser.post(
        f"/ui/claims/{claim_id}/commands/classify",
        data={"csrf_token": token, "problem_category": "product_fault"},
    )
    assert response.status_code == 403
    assert "claims:classify" in response.text
    assert runtime.ledger.get_claim(claim_id).version == before
