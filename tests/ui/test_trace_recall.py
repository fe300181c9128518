"""The console's batch trace names the affected units and claims (a recall list)."""

from __future__ import annotations

import httpx2
import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.ui.conftest import new_browser, sign_in


def batch_trace(
    client: TestClient, tokens: dict[Role, str], runtime: Runtime, language: str
) -> httpx2.Response:
    """The demo's batch B2025-05 traced by a supervisor, once the views hold the demo."""
    browser = new_browser(client, language)
    sign_in(browser, tokens[Role.SUPERVISOR])
    head = runtime.ledger.recorder.max_notification_id()
    page = browser.get(f"/ui/trace?by=batch&key=B2025-05&min_position={head}")
    assert page.status_code == 200, page.text
    return page


@pytest.mark.parametrize(("language", "heading"), [("zh", "召回清单"), ("en", "recall list")])
def test_a_batch_trace_lists_its_affected_units_and_claims(
    client: TestClient,
    tokens: dict[Role, str],
    runtime: Runtime,
    demo: list[str],
    language: str,
    heading: str,
) -> None:
    page = batch_trace(client, tokens, runtime, language)

    assert heading in page.text
    assert "/ui/trace?by=serial&amp;key=TD30-0003391" in page.text
    assert "LF-2026-0009, LF-2026-0010" in page.text


@pytest.mark.parametrize(("language", "more"), [("zh", "共 2 个案件"), ("en", "2 claims in all")])
def test_a_trace_lists_the_first_claims_and_says_how_many_there_are(
    client: TestClient,
    tokens: dict[Role, str],
    runtime: Runtime,
    demo: list[str],
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    more: str,
) -> None:
    monkeypatch.setattr("api.ui.routes.trace.LISTED", 1)

    page = batch_trace(client, tokens, runtime, language)

    assert more in page.text
    assert "LF-2026-0009" in page.text and "LF-2026-0010" not in page.text
