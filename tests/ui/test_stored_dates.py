"""Presenting a stored date never breaks a page, even one no command accepts any more.

Such dates reached the ledger before the time windows existed; events are
immutable, so the console and the API must show them as they are. The events
are written straight through the domain's event methods, past the checks.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.claim import Claim
from domain.values import Actor
from domain.vocabulary import RepairMode, Role
from tests.e2e.claims import new_claim
from tests.e2e.conftest import bearer
from tests.ui.conftest import new_browser, sign_in

pytestmark = pytest.mark.postgres

SYSTEM = Actor("legacy-import", Role.SUPERVISOR)
LAST_MOMENT = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
FIRST_MOMENT = datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14)))


def claim_with_extreme_dates(client: TestClient, runtime: Runtime, token: str) -> str:
    """A claim whose stored events hold a schedule at the end of the calendar, one at
    its very start, and a promise on its last day."""
    claim_id = new_claim(client, bearer(token))["claim_id"]
    now = datetime.now().astimezone()

    def write(claim: Claim) -> None:
        claim._repair_scheduled(SYSTEM, now, 1, RepairMode.ON_SITE, LAST_MOMENT)
        claim._repair_scheduled(SYSTEM, now, 1, RepairMode.ON_SITE, FIRST_MOMENT)
        claim._acknowledged(SYSTEM, now, "legacy", date.max)

    runtime.ledger.execute(UUID(claim_id), write)
    return claim_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_claim_page_shows_dates_at_the_ends_of_the_calendar(
    client: TestClient,
    runtime: Runtime,
    tokens: dict[Role, str],
    language: str,
) -> None:
    claim_id = claim_with_extreme_dates(client, runtime, tokens[Role.AGENT])
    browser = new_browser(client, language)
    sign_in(browser, tokens[Role.SUPERVISOR])
    page = browser.get(f"/ui/claims/{claim_id}")
    assert page.status_code == 200, page.text
    assert "9999" in page.text


def test_the_api_answers_a_claim_and_its_history_with_dates_at_the_ends_of_the_calendar(
    client: TestClient, runtime: Runtime, tokens: dict[Role, str]
) -> None:
    claim_id = claim_with_extreme_dates(client, runtime, tokens[Role.AGENT])
    headers = bearer(tokens[Role.SUPERVISOR])
    claim = client.get(f"/api/v1/claims/{claim_id}", headers=headers)
    assert claim.status_code == 200, claim.text
    assert claim.json()["promised_by"] == "9999-12-31"
    history = client.get(f"/api/v1/claims/{claim_id}/history", headers=headers)
    assert history.status_code == 200, history.text
    scheduled = [e["data"]["scheduled_for"] for e in history.json()["data"][1:3]]
    assert scheduled == ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]
