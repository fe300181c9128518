"""Every console page in Chinese over the demo shows no English: a reader without English
can work in it. Words of Latin letters are allowed only as codes (serial numbers, model
codes, claim numbers: anything with a digit; the policy's rule ids; text the page marks as
code, such as a command line), units and the few names a short list holds."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from api.cli.demo import CASES, STAFF_NAMES, add_demo_staff, load_demo
from api.http.app import create_app
from api.service.runtime import Runtime
from domain.claim import Claim
from domain.policy.book import default_policy_book
from domain.vocabulary import Role
from tests.e2e.conftest import api_settings
from tests.support.databases import scratch_database, sibling_name
from tests.ui.conftest import new_browser, sign_in

pytestmark = pytest.mark.postgres

# Words a Chinese page may show in Latin letters: the language switch, file formats,
# units, the names of standards and products a team reads as they are.
ALLOWED = {
    "English",  # the language switch names the other language in itself
    "CSV",
    "XLSX",
    "JSON",
    "SLA",
    "CSAT",
    "Ed25519",
    "SHA",
    "PEM",
    "LED",
    "USB",
    "kg",
    "cm",
    "mm",
    "kWh",
    "h",
    "v",
    "min",
    "No",
    "ID",
    "URL",
    "HMAC",
    "Webhook",
    "webhook",
    "Ctrl",  # the print shortcut
    "Excel",
    "wang.fang",  # the users page's example of a user id
}
# Rule ids are codes the decision records; the page shows each one's explanation beside it.
RULE_IDS = {
    rule.rule_id
    for version in default_policy_book().versions()
    for rule in default_policy_book().get(version).rules
}
CODE_TAGS = ("script", "style", "code", "kbd")
BACKQUOTED = re.compile(r"`[^`]*`")  # a command line quoted in a sentence is code
WORD = re.compile(r"[A-Za-z][A-Za-z_'.-]*[A-Za-z]|[A-Za-z]")
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
CLAIMS = tuple(number for number, _, _ in CASES)  # every demo claim
PAGES = [
    "/ui/home",
    "/ui/queue",
    "/ui/new-claim",
    "/ui/claims",
    "/ui/claims?status=closed&limit=50",
    "/ui/claims?status=lost",  # a refused filter: the field's reason in Chinese
    *[f"/ui/claims/{Claim.create_id(number)}" for number in CLAIMS],
    *[f"/ui/claims/{Claim.create_id(number)}/service-record" for number in CLAIMS[:2]],
    "/ui/sla",
    "/ui/trace",
    "/ui/trace?by=serial&key=LED9-0451",
    "/ui/trace?by=batch&key=B2026-07",
    "/ui/trace?by=supplier&key=佛山照明配件厂",
    "/ui/reports/monthly",
    "/ui/integrity",
    "/ui/webhooks",
    "/ui/access-log",
    "/ui/users",
    "/ui/downloads",
]


class ReadText(HTMLParser):
    """The text a person reads on a page: text nodes and the attributes screen readers say."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_TAGS:
            self.skipping += 1
        self.texts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_TAGS:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.texts.append(data)


def english_words(html: str, allowed: frozenset[str] = frozenset()) -> set[str]:
    """Words of Latin letters on the page that are neither codes nor allowed."""
    reader = ReadText()
    reader.feed(html)
    found = set()
    for text in reader.texts:
        for token in BACKQUOTED.sub(" ", text).split():
            if any(ch.isdigit() for ch in token) or token.strip("()（），,") in RULE_IDS:
                continue  # a code: LF-2026-0001, LED9-0451, B2026-07, v12
            for word in WORD.findall(token):
                if word not in ALLOWED | allowed and word.upper() != word:
                    found.add(word)
    return found


@pytest.fixture(scope="module")
def supervisor_zh(database_url: str) -> Iterator[TestClient]:
    """A supervisor's Chinese console over the demo alone, in a database of its own (other
    tests' English test data in the package's database would be no translation's fault)."""
    with scratch_database(database_url, sibling_name(database_url, "zh")) as url:
        app = create_app(api_settings(url))
        with TestClient(app, raise_server_exceptions=False) as client:
            runtime: Runtime = app.state.runtime
            assert runtime.wait_until_ready(30), "the ledger did not open"
            loaded, _ = load_demo(runtime.ledger, datetime.now().astimezone())
            add_demo_staff(runtime.users)
            token = runtime.users.add("zh.supervisor", Role.SUPERVISOR, "周主管")
            browser = new_browser(client, "zh")
            sign_in(browser, token)
            wait_for_views(browser, loaded)
            yield browser


def wait_for_views(browser: TestClient, numbers: list[str]) -> None:
    """Until the views show every demo claim (they follow the ledger in the background)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = browser.get("/ui/claims?limit=50").text
        if all(number in page for number in numbers):
            return
        time.sleep(0.2)
    raise AssertionError("the views did not catch up with the demo")


@pytest.mark.parametrize("path", PAGES)
def test_a_chinese_page_shows_no_english(supervisor_zh: TestClient, path: str) -> None:
    response = supervisor_zh.get(path)
    assert response.status_code in (200, 422), response.text
    # The users page manages user ids (codes people sign in with); elsewhere staff show by name.
    ids = frozenset([*STAFF_NAMES, "zh.supervisor"]) if path == "/ui/users" else frozenset()
    assert sorted(english_words(response.text, ids)) == []


def test_the_checker_finds_english_outside_codes() -> None:
    page = (
        "<p>规则 quality-repair-warranty · 型号 LED-9W <code>sanbao verify</code>"
        " Repaired item 1: still_failing</p><p title='Close'>关闭</p>"
    )
    assert english_words(page) == {"Repaired", "item", "still_failing", "Close"}
