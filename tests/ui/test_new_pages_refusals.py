"""Odd values in the newer pages' query strings and forms are refused, never a 5xx, and store
nothing: the values the console's property run uses, at every parameter and field."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.ui.conftest import csrf_of, new_browser, stored_since
from tests.ui.test_console_properties import ODD_VALUES

pytestmark = pytest.mark.postgres

QUERIES = {
    "/ui/access-log": ["claim", "actor", "from", "to", "cursor"],
    "/ui/downloads/audit-export": ["format", "claim", "actor", "from", "to"],
    "/ui/downloads/proof": ["claim"],
    "/ui/home": ["x"],
    "/ui/queue": ["x"],
}
FORMS = {
    "/ui/users": ["name", "role", "display_name", "password"],
    "/ui/users/e2e.agent/display-name": ["display_name"],
    "/ui/users/e2e.agent/password": ["password", "password_again"],
    "/ui/new-claim": ["kind", "customer.name", "items.0.price", "purchase.purchased_on"],
}


@pytest.mark.parametrize("path", list(QUERIES))
def test_no_odd_query_value_gives_a_5xx(as_role: dict[Role, TestClient], path: str) -> None:
    browser = as_role[Role.SUPERVISOR]
    for name in QUERIES[path]:
        for value in ODD_VALUES:
            answer = browser.get(f"{path}?{name}={quote(value, safe='')}")
            assert answer.status_code < 500, (name, value, answer.text[-500:])


@pytest.mark.parametrize("path", list(FORMS))
def test_no_odd_form_value_gives_a_5xx_or_stores_anything(
    as_role: dict[Role, TestClient], runtime: Runtime, path: str
) -> None:
    browser = as_role[Role.SUPERVISOR]
    token = csrf_of(browser.get("/ui/users").text)
    for name in FORMS[path]:
        for value in ODD_VALUES:
            fields = {"csrf_token": token, name: value}
            if path == "/ui/users":  # a fresh, valid name unless the name is the odd value
                fields = {"csrf_token": token, "name": f"odd.{len(value)}", "role": "agent"}
                fields[name] = value
            head, users = runtime.head(), len(runtime.users.list())
            answer = browser.post(path, data=fields, follow_redirects=False)
            assert answer.status_code < 500, (name, value, answer.text[-500:])
            if answer.status_code >= 400:  # refused: nothing stored
                assert (stored_since(runtime, head), len(runtime.users.list())) == ([], users)


def test_no_odd_sign_in_value_gives_a_5xx(client: TestClient) -> None:
    browser = new_browser(client)
    csrf = csrf_of(browser.get("/ui/sign-in").text)
    for value in ODD_VALUES:
        for fields in (
            {"name": value, "password": "long enough 1"},
            {"name": "x", "password": value},
        ):
            answer = browser.post("/ui/sign-in", data={"csrf_token": csrf, **fields})
            assert answer.status_code < 500, (fields, answer.text[-500:])
