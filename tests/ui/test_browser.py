"""The console in Debian's Chromium (Playwright), against the real service on a free port.

One walk through the pages a supervisor uses, then a technician's view of the
same claims; each page's screenshot is saved to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.cli.demo import load_demo
from api.http.app import create_app
from api.service.runtime import Runtime
from domain.claim import BUSINESS_TZ
from domain.vocabulary import Role
from tests.e2e.conftest import api_settings

pytestmark = [pytest.mark.postgres, pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def service(database_url: str) -> Iterator[tuple[str, dict[Role, str]]]:
    """The service under uvicorn on a database of its own, demo claims loaded; tokens by role."""
    params = conninfo_to_dict(database_url)
    name = f"{params['dbname']}_browser"
    with psycopg.connect(database_url, autocommit=True) as conn:
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
    tokens = {role: runtime.users.add(f"web.{role.value}", role) for role in Role if role in (
        Role.SUPERVISOR, Role.TECHNICIAN)}  # fmt: skip
    yield f"http://127.0.0.1:{port}", tokens
    server.should_exit = True
    thread.join(timeout=15)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(missing + ": CI installs it, so the browser tests must run")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(browser: Browser, base: str, token: str, name: str) -> Page:
    page = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/ui/claims")
    expect(page).to_have_url(re.compile(r"/ui/sign-in\?next="))
    shot(page, f"{name}-01-sign-in")
    page.locator("details.token-sign-in summary").click()  # people sign in by password
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="使用令牌登录").click()
    expect(page).to_have_url(re.compile(r"/ui/claims$"))
    return page


def test_a_supervisor_walks_through_the_console(
    browser: Browser, service: tuple[str, dict[Role, str]]
) -> None:
    base, tokens = service
    page = sign_in(browser, base, tokens[Role.SUPERVISOR], "supervisor")
    expect(page.get_by_role("heading", name="售后案件")).to_be_visible()

    # Filter the list: closed claims only.
    page.get_by_label("状态", exact=True).select_option("closed")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"status=closed"))
    rows = page.locator("table.list tbody tr")
    expect(rows.first).to_be_visible()
    for status in rows.locator("td:nth-child(2)").all_inner_texts():
        assert status == "已结案"
    shot(page, "supervisor-02-claims-filtered")

    # Open a lamp-factory claim and read its timeline.
    page.get_by_role("link", name="LF-2026-0001").click()
    expect(page.get_by_role("heading", name=re.compile("案件 LF-2026-0001"))).to_be_visible()
    timeline = page.locator("#timeline > li")
    expect(timeline.first).to_contain_text("结案")  # newest first
    expect(timeline.last).to_contain_text("受理")
    expect(page.locator("#timeline")).to_contain_text("规则")  # the 三包 decision's rule
    shot(page, "supervisor-03-claim-timeline-zh")

    # The customer is masked; revealing shows them in clear (and is logged).
    expect(page.locator("#customer")).to_contain_text("刘*")
    page.locator("#reveal-purpose").select_option("contact_customer")
    page.get_by_role("button", name="查看个人信息").click()
    expect(page.locator("#customer")).to_contain_text("刘洋")
    shot(page, "supervisor-03b-customer-revealed")

    # Switch the language; the choice sticks across pages.
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name=re.compile("Claim LF-2026-0001"))).to_be_visible()
    expect(timeline.last).to_contain_text("Reported")
    shot(page, "supervisor-04-claim-timeline-en")

    # View an earlier version.
    page.get_by_label("View the claim as of version").select_option("4")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".as-of")).to_contain_text("version 4 of")
    expect(page.locator("#timeline > li.later").first).to_be_visible()
    shot(page, "supervisor-05-claim-as-of-version-4")

    # Perform a command the role allows on an open claim and see the timeline grow.
    page.goto("/ui/claims/LF-2026-0007")
    before = page.locator("#timeline > li").count()
    page.locator("#cmd-notes summary").click()
    page.get_by_label("Text").fill("Supervisor checked the replacement's batch")
    page.locator("#cmd-notes").get_by_role("button", name="Add a note").click()
    expect(page.locator("#timeline > li")).to_have_count(before + 1)
    expect(page.locator("#timeline > li").first).to_contain_text("Note added")
    expect(page.locator("#timeline > li").first).to_contain_text("web.supervisor")
    shot(page, "supervisor-06-claim-after-note")

    # The SLA board, traceability and the monthly report.
    page.get_by_role("link", name="SLA board").click()
    expect(page.get_by_role("heading", name="SLA board")).to_be_visible()
    shot(page, "supervisor-07-sla-board")
    page.get_by_role("link", name="Traceability").click()
    page.get_by_label("Value").fill("LED9-0451")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("ol.chain")).to_contain_text("LED9-0977")
    shot(page, "supervisor-08-trace-serial")
    page.get_by_role("link", name="Monthly report").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    # The demo's wiring fault, a quality defect, was reported 20 days ago: early in a
    # month that is the month before, which the user picks.
    reported = (datetime.now().astimezone() - timedelta(days=20)).astimezone(BUSINESS_TZ)
    page.locator("#month").select_option(reported.strftime("%Y-%m"))
    page.locator("form.inline-form").get_by_role("button", name="Show").click()
    expect(page.locator("#chart-cause")).to_contain_text("quality defect")
    shot(page, "supervisor-09-monthly-report")


def test_a_technician_sees_no_command_their_role_lacks(
    browser: Browser, service: tuple[str, dict[Role, str]]
) -> None:
    base, tokens = service
    page = sign_in(browser, base, tokens[Role.TECHNICIAN], "technician")
    expect(page.get_by_role("link", name="月度报表")).to_have_count(0)
    page.goto("/ui/claims/SB-2026-0008")
    expect(page.locator("#cmd-diagnose")).to_have_count(1)  # a technician diagnoses
    expect(page.locator("#cmd-close")).to_have_count(0)  # closing is a specialist's
    expect(page.locator("#cmd-classify")).to_have_count(0)  # triage is the agent's
    shot(page, "technician-02-claim-commands")


def test_the_console_fits_a_phone_width(
    browser: Browser, service: tuple[str, dict[Role, str]]
) -> None:
    base, tokens = service
    page = sign_in(browser, base, tokens[Role.SUPERVISOR], "phone")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/ui/claims/LF-2026-0001")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    shot(page, "phone-02-claim")


def test_keyboard_focus_reaches_the_navigation_visibly(
    browser: Browser, service: tuple[str, dict[Role, str]]
) -> None:
    base, tokens = service
    page = sign_in(browser, base, tokens[Role.SUPERVISOR], "keyboard")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "概览"  # the first page of the navigation
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_the_api_docs_render_with_the_network_cut_off(
    browser: Browser, service: tuple[str, dict[Role, str]]
) -> None:
    base, _ = service
    page = browser.new_context(base_url=base).new_page()
    outside: list[str] = []

    def only_the_service(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_service)
    page.goto("/docs")
    # The OpenAPI document of the whole app is built on first request: slow on a loaded machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Sanbao Ledger", timeout=30_000
    )
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, "api-docs")
    assert outside == []
