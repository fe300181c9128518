"""Reporting a claim from the console: several items, the API's own validation, errors by field
in both languages, one claim however often the form is sent."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.support.business_day import business_today
from tests.ui.conftest import csrf_of, new_browser, sign_in, stored_since

pytestmark = pytest.mark.postgres

CLAIM_PAGE = re.compile(r"^/ui/claims/([0-9a-f-]{36})\?min_position=\d+$")
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


@pytest.fixture(scope="module")
def agents(client: TestClient, tokens: dict[Role, str], demo: list[str]) -> dict[str, TestClient]:
    signed_in = {}
    for language in ("zh", "en"):
        browser = new_browser(client, language)
        sign_in(browser, tokens[Role.AGENT])
        signed_in[language] = browser
    return signed_in


def filled_form(
    browser: TestClient, rows: int = 2, changes: dict[str, str] | None = None
) -> dict[str, str]:
    """The form as a person fills it: a customer, ``rows`` items, an invoice."""
    page = browser.get("/ui/new-claim").text
    form = {
        "csrf_token": csrf_of(page),
        "form_key": FORM_KEY.search(page).group(1),  # type: ignore[union-attr]
        "item_rows": str(rows),
        "kind": "repair",
        "channel": "phone",
        "requested_remedy": "repair",
        "description": "吸顶灯闪烁，台灯不亮",
        "customer.name": "陈静",
        "customer.phone": "13900139000",
        "customer.region": "浙江",
        "purchase.purchased_on": (business_today() - timedelta(days=30)).isoformat(),
        "purchase.proof": "invoice",
        "purchase.payment_method": "支付宝",
    }
    for row in range(rows):
        form |= {
            f"items.{row}.model": f"XD-45{row}",
            f"items.{row}.model_name": "吸顶灯",
            f"items.{row}.category": "lighting",
            f"items.{row}.serial_no": f"FORM-{row}-{business_today():%j}",
            f"items.{row}.quantity": "1",
            f"items.{row}.price": "399.00",
        }
    return form | (changes or {})


def test_a_filled_form_reports_a_claim_with_every_item_and_opens_its_page(
    agents: dict[str, TestClient], runtime: Runtime
) -> None:
    response = agents["zh"].post(
        "/ui/new-claim", data=filled_form(agents["zh"]), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    match = CLAIM_PAGE.match(response.headers["location"])
    assert match
    claim = runtime.ledger.get_claim(uuid.UUID(match.group(1)))
    assert [s.item.model for s in claim.items] == ["XD-450", "XD-451"]
    assert claim.purchase.proof.value == "invoice"
    assert runtime.ledger.customer_of(claim).name == "陈静"  # type: ignore[union-attr]


def test_the_same_form_sent_twice_reports_one_claim(agents: dict[str, TestClient]) -> None:
    form = filled_form(agents["en"], rows=1)
    first = agents["en"].post("/ui/new-claim", data=form, follow_redirects=False)
    again = agents["en"].post("/ui/new-claim", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"].split("?")[0] == again.headers["location"].split("?")[0]


@pytest.mark.parametrize(
    "language, expected",
    [
        ("zh", ["此项必填。", "请输入数字，例如 399.00。", "工单未提交：有 2 处需要更正。"]),
        ("en", ["Required.", "Enter a number, e.g. 399.00.", "2 field(s) need correcting"]),
    ],
)
def test_refusals_are_shown_at_their_fields_in_the_readers_language(
    agents: dict[str, TestClient], runtime: Runtime, language: str, expected: list[str]
) -> None:
    before = runtime.head()
    form = filled_form(agents[language], 2, {"customer.name": "", "items.1.price": "三百"})
    response = agents[language].post("/ui/new-claim", data=form)
    assert response.status_code == 422
    for words in expected:
        assert words in response.text
    assert 'id="f-customer-name" name="customer.name"' in response.text
    assert 'aria-describedby="error-customer-name"' in response.text
    assert 'aria-describedby="error-items-1-price"' in response.text
    assert 'value="吸顶灯闪烁，台灯不亮"' not in response.text  # a textarea keeps it as text
    assert "吸顶灯闪烁，台灯不亮" in response.text
    assert stored_since(runtime, before) == []  # nothing stored


def test_a_form_without_items_is_refused_by_the_schema(agents: dict[str, TestClient]) -> None:
    form = {k: v for k, v in filled_form(agents["en"], rows=1).items() if not k.startswith("items")}
    response = agents["en"].post("/ui/new-claim", data=form)
    assert response.status_code == 422
    assert "Add at least one item." in response.text


def test_a_purchase_after_the_report_is_refused_by_the_ledger_at_its_field(
    agents: dict[str, TestClient],
) -> None:
    future = (business_today() + timedelta(days=3)).isoformat()
    for language, words in (("en", "must lie between 2000-01-01"), ("zh", "须在 2000-01-01")):
        form = filled_form(agents[language], 1, {"purchase.purchased_on": future})
        response = agents[language].post("/ui/new-claim", data=form)
        assert response.status_code == 422
        assert 'aria-describedby="error-purchase-purchased_on"' in response.text
        assert words in response.text


def test_adding_an_item_row_keeps_what_was_typed_and_reports_nothing(
    agents: dict[str, TestClient], runtime: Runtime
) -> None:
    before = runtime.head()
    form = filled_form(agents["zh"], rows=1) | {"add_item": "1"}
    response = agents["zh"].post("/ui/new-claim", data=form)
    assert response.status_code == 200
    assert 'name="items.1.model"' in response.text and 'name="items.2.model"' not in response.text
    assert 'value="陈静"' in response.text
    assert stored_since(runtime, before) == []


def test_a_field_the_form_does_not_have_is_refused(agents: dict[str, TestClient]) -> None:
    form = filled_form(agents["en"], rows=1) | {"customer.age": "41"}
    response = agents["en"].post("/ui/new-claim", data=form)
    assert response.status_code == 422
    assert "customer.age" in response.text


def test_the_form_needs_its_csrf_token(agents: dict[str, TestClient], runtime: Runtime) -> None:
    before = runtime.head()
    form = filled_form(agents["en"], rows=1) | {"csrf_token": "forged"}
    assert agents["en"].post("/ui/new-claim", data=form).status_code == 403
    assert stored_since(runtime, before) == []


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.WAREHOUSE, Role.AUDITOR])
def test_roles_that_do_not_report_claims_get_no_form(
    as_role: dict[Role, TestClient], role: Role
) -> None:
    assert as_role[role].get("/ui/new-claim").status_code == 403
