"""The console on the session's PostgreSQL: the e2e package's app fixtures, the demo claims.

The app, runtime and tokens fixtures are the e2e package's own (imported, so
they are set up once for this package too); this package gets a database of
its own, with the lamp-factory demo claims loaded, and a signed-in browser-like
client per role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.cli.demo import add_demo_staff, load_demo
from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.e2e.conftest import client, runtime, tokens  # noqa: F401 - fixtures reused here
from tests.support.databases import scratch_database, sibling_name

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="package")
def api_database_url(database_url: str) -> Iterator[str]:
    """A fresh database for the console tests, on the session's server, dropped afterwards."""
    with scratch_database(database_url, sibling_name(database_url, "ui")) as url:
        yield url


@pytest.fixture(scope="package")
def demo(runtime: Runtime) -> list[str]:  # noqa: F811 - the imported fixture
    """The lamp-factory demo claims, loaded once for the package."""
    loaded, _ = load_demo(runtime.ledger, datetime.now().astimezone())
    add_demo_staff(runtime.users)
    return loaded


def stored_since(runtime: Runtime, head: int) -> list[str]:  # noqa: F811 - the imported fixture
    """The topics the ledger recorded after position ``head``, leaving out the SLA sweep's
    escalations: the sweep runs on its own clock and may escalate an overdue demo claim
    while a test waits for a refused request."""
    notifications = runtime.ledger.recorder.select_notifications(head + 1, 1_000_000)
    return [n.topic for n in notifications if not n.topic.endswith(".Escalated")]


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(browser: TestClient, token: str) -> None:
    """Signs the client in through the sign-in form, as a browser would."""
    form = browser.get("/ui/sign-in")
    response = browser.post(
        "/ui/sign-in",
        data={"csrf_token": csrf_of(form.text), "token": token, "next": "/ui/claims"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def new_browser(client: TestClient, language: str = "zh") -> TestClient:  # noqa: F811
    """Another client of the same running app, with a cookie jar of its own."""
    browser = TestClient(client.app, raise_server_exceptions=False)
    browser.cookies.set("sanbao_lang", language, path="/ui")
    return browser


@pytest.fixture(scope="package")
def as_role(
    client: TestClient,  # noqa: F811
    tokens: dict[Role, str],  # noqa: F811
    demo: list[str],
) -> dict[Role, TestClient]:
    """A signed-in client per role (Chinese pages, the default)."""
    browsers = {}
    for role, token in tokens.items():
        browser = new_browser(client)
        sign_in(browser, token)
        browsers[role] = browser
    return browsers
