"""The existing console pages in Chromium, both languages, 1280 px and 390 px, and an
accessibility check of every console page with axe-core (0 serious or critical violations).

axe-core is vendored (``tests/ui/vendor/axe.min.js``, axe-core 4.14.1 from the npm
registry, MPL-2.0, its licence beside it) and injected by Playwright; the pages allow no
script (CSP ``script-src 'none'``), so these browser contexts bypass the CSP to run it.
Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.cli.demo import add_demo_staff, load_demo
from api.http.app import create_app
from api.service.runtime import Runtime
from api.ui.deps import password_store
from domain.claim import Claim
from domain.vocabulary import Role
from tests.e2e.conftest import api_settings
from tests.ui.test_browser import browser, free_port, shot  # noqa: F401 - the shared Chromium

pytestmark = [pytest.mark.postgres, pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PASSWORD = "lamp factory 2026"
USER = "zhou.lan"
WIDTHS = {"desktop": 1280, "phone": 390}
LF7 = Claim.create_id("LF-2026-0007")
# The existing pages this layout work changed, with their first heading in each language.
CHANGED = {
    "claims": ("/ui/claims", {"zh": "售后案件", "en": "Claims"}),
    "claim": (f"/ui/claims/{LF7}", {"zh": "案件 LF-2026-0007", "en": "Claim LF-2026-0007"}),
    "sla": ("/ui/sla", {"zh": "时限看板", "en": "SLA board"}),
    "report": ("/ui/reports/monthly", {"zh": None, "en": None}),
    "trace": ("/ui/trace?by=serial&key=LED9-0451", {"zh": "质量追溯", "en": "Traceability"}),
    "integrity": ("/ui/integrity", {"zh": "台账完整性", "en": "Ledger integrity"}),
}
# Every page of the console, for the accessibility check.
EVERY_PAGE = [
    "/ui/home",
    "/ui/queue",
    "/ui/new-claim",
    "/ui/claims",
    f"/ui/claims/{LF7}",
    f"/ui/claims/{LF7}/service-record",
    "/ui/sla",
    "/ui/trace",
    "/ui/trace?by=serial&key=LED9-0451",
    "/ui/trace?by=batch&key=B2026-07",
    "/ui/reports/monthly",
    "/ui/integrity",
    "/ui/webhooks",
    "/ui/access-log",
    "/ui/users",
    "/ui/downloads",
    "/ui/stock",
]


@pytest.fixture(scope="module")
def service(database_url: str) -> Iterator[str]:
    """The service under uvicorn on a database of its own: the demo, its staff by name, and a
    supervisor with a password."""
    params = conninfo_to_dict(database_url)
    name = f"{params['dbname']}_browser_layout"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    app = create_app(api_settings(make_conninfo(**{**params, "dbname": name})))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    runtime: Runtime = app.state.runtime
    assert runtime.wait_until_ready(30), "the ledger did not open"
    load_demo(runtime.ledger, datetime.now().astimezone())
    add_demo_staff(runtime.users)
    runtime.users.add(USER, Role.SUPERVISOR, "周兰")
    password_store(runtime).set_password(USER, PASSWORD)
    runtime.wait_for_views(runtime.head())
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def signed_in(browser: Browser, base: str, language: str, width: int) -> Page:  # noqa: F811
    """A supervisor's page in ``language``, ``width`` px wide; the CSP is bypassed so that
    axe-core can be injected."""
    context = browser.new_context(
        base_url=base, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"/ui/language/{language}?next=/ui/claims")
    words = {"zh": ("用户名", "密码", "登录"), "en": ("User name", "Password", "Sign in")}
    name_label, password_label, button = words[language]
    page.get_by_label(name_label).fill(USER)
    page.get_by_label(password_label, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(r"/ui/claims$"))
    return page


def fits(page: Page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} scrolls sideways ({scrolled}px > {width}px)"


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page, each with its nodes."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document)).violations
             .filter(v => v.impact === "serious" || v.impact === "critical")
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return found


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_changed_pages_render_and_fit(
    browser: Browser,  # noqa: F811
    service: str,
    language: str,
    width: str,
) -> None:
    page = signed_in(browser, service, language, WIDTHS[width])
    for key, (path, headings) in CHANGED.items():
        page.goto(path)
        if headings[language]:
            expect(page.get_by_role("heading", level=1)).to_contain_text(headings[language])
        fits(page, WIDTHS[width])
        shot(page, f"layout-{language}-{width}-{key}")


def test_the_claims_list_shows_three_filters_and_folds_the_rest(
    browser: Browser,  # noqa: F811
    service: str,
) -> None:
    page = signed_in(browser, service, "zh", 390)
    for label in ("案件编号或问题描述", "状态", "是否超时"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.get_by_label("型号", exact=True)).to_be_hidden()
    # The first claim shows within the phone's first screen, below the filters.
    top = page.locator("table.list tbody tr").first.bounding_box()
    assert top is not None and top["y"] < 900, top
    page.locator("details.more-filters summary").click()
    expect(page.get_by_label("型号", exact=True)).to_be_visible()
    expect(page.locator("table.list")).to_contain_text("李强")  # staff by name, not li.qiang


def test_the_claim_page_reads_at_desktop_width(
    browser: Browser,  # noqa: F811
    service: str,
) -> None:
    page = signed_in(browser, service, "zh", 1280)
    page.goto(f"/ui/claims/{LF7}")
    # The items table fits its width: no column squeezed to a character per line.
    for column in (5, 6, 8):
        cell = page.locator(f"table.items tbody tr >> nth=0 >> td:nth-child({column})")
        box = cell.bounding_box()
        assert box is not None and box["width"] > 30, (column, box)
        line = page.evaluate(
            "el => parseFloat(getComputedStyle(el).lineHeight) || 24",
            cell.element_handle(),
        )
        text_height = page.evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el);"
            " return r.getBoundingClientRect().height; }",
            cell.element_handle(),
        )
        assert text_height <= 2.2 * line, (column, text_height, line)
    # Newest first, only the latest entries open; a button says what it does.
    entries = page.locator("#timeline > li")
    expect(entries.first.locator("details")).to_have_attribute("open", "")
    expect(entries.last.locator("details")).not_to_have_attribute("open", "")
    expect(entries.last).to_contain_text("受理")
    page.locator("#cmd-notes summary").click()
    expect(page.locator("#cmd-notes").get_by_role("button", name="添加备注")).to_be_visible()
    # One date format: 2026年11月18日 09:30, never 2026/11/18.
    assert not re.search(r"\d{4}/\d{1,2}/\d{1,2}", page.locator("main").inner_text())
    shot(page, "layout-zh-desktop-claim-timeline")


def test_the_sla_board_tells_the_hours_left_or_overdue(
    browser: Browser,  # noqa: F811
    service: str,
) -> None:
    page = signed_in(browser, service, "zh", 1280)
    page.goto("/ui/sla")
    cells = page.locator("td.time-left")
    expect(cells.first).to_have_text(re.compile(r"^(超时|剩余) \d+ 小时$"))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_has_no_serious_accessibility_violation(
    browser: Browser,  # noqa: F811
    service: str,
    language: str,
) -> None:
    page = signed_in(browser, service, language, 1280)
    found = {}
    for path in EVERY_PAGE:
        page.goto(path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
