"""The console's stock page: each item's units, its reservations and the low-stock flag."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.values import Actor
from domain.vocabulary import Role
from tests.ui.conftest import new_browser, sign_in

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    ("language", "title", "low"), [("zh", "库存", "库存低"), ("en", "Stock", "Low")]
)
def test_everyone_who_reads_claims_sees_the_stock_and_its_low_items(
    client: TestClient,
    runtime: Runtime,
    tokens: dict[Role, str],
    language: str,
    title: str,
    low: str,
) -> None:
    sku = f"UI-{uuid.uuid4().hex[:8].upper()}"
    store = Actor("ui.test", Role.WAREHOUSE)
    runtime.ledger.stock.receive(store, datetime.now().astimezone(), "main", sku, 2, low_stock_at=2)
    browser = new_browser(client, language)
    sign_in(browser, tokens[Role.TECHNICIAN])
    page = browser.get("/ui/stock")
    assert page.status_code == 200, page.text
    assert f"<title>{title}" in page.text or f">{title}<" in page.text
    row = page.text[page.text.index(sku) :].split("</tr>")[0]
    assert low in row
    assert 'href="/ui/stock"' in browser.get("/ui/claims").text
