"""The console's newer pages in Debian's Chromium (Playwright): signed in by password, in both
languages, at 1280 px and at a phone's 390 px; screenshots in ``test-artifacts/screenshots/``.

One service (uvicorn on a free port, demo claims loaded) for the module.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime

import psycopg
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.cli.demo import load_demo
from api.http.app import create_app
from api.service.runtime import Runtime
from api.ui.deps import password_store
from domain.claim import Claim
from domain.values import Actor
from domain.vocabulary import Role, Team
from tests.e2e.conftest import api_settings
from tests.ui.test_browser import browser, free_port, shot  # noqa: F401 - the shared Chromium

pytestmark = [pytest.mark.postgres, pytest.mark.browser, pytest.mark.slow]

PASSWORD = "lamp factory 2026"
QUEUED = "SB-2026-0008"  # an open demo claim, assigned to the supervisor for their queue
WIDTHS = {"desktop": 1280, "phone": 390}
# Each page with its heading in both languages.
PAGES = {
    "home": ("/ui/home", {"zh": "概览", "en": "Overview"}),
    "queue": ("/ui/queue", {"zh": "我的待办", "en": "My queue"}),
    "new-claim": ("/ui/new-claim", {"zh": "新建工单", "en": "Report a claim"}),
    "access-log": ("/ui/access-log", {"zh": "访问日志", "en": "Access log"}),
    "users": ("/ui/users", {"zh": "用户", "en": "Users"}),
    "downloads": ("/ui/downloads", {"zh": "下载", "en": "Downloads"}),
    "service-record": (
        "/ui/claims/LF-2026-0007/service-record",
        {"zh": "三包服务记录", "en": "三包 service record"},
    ),
}


@pytest.fixture(scope="module")
def service(database_url: str) -> Iterator[tuple[str, Runtime]]:
    """The service under uvicorn on a database of its own, demo claims loaded, and users
    with passwords: a supervisor (with a claim in their queue) and an agent."""
    params = conninfo_to_dict(database_url)
    name = f"{params['dbname']}_browser_pages"
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
    for user, role, shown in (
        ("wang.fang", Role.SUPERVISOR, "王芳"),
        ("liu.yang", Role.AGENT, "刘洋"),
    ):
        runtime.users.add(user, role, shown)
        password_store(runtime).set_password(user, PASSWORD)
    claim = runtime.ledger.get_claim_by_number(QUEUED)
    assigned = runtime.ledger.command(
        Claim.assign, claim.id, Actor("wang.fang", Role.SUPERVISOR),
        team=Team.AFTER_SALES_SPECIALIST, assignee="wang.fang",
    )  # fmt: skip
    runtime.wait_for_views(assigned.position)
    yield f"http://127.0.0.1:{port}", runtime
    server.should_exit = True
    thread.join(timeout=15)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def signed_in(
    browser: Browser,  # noqa: F811
    base: str,
    language: str,
    width: int,
    user: str = "wang.fang",
) -> Page:
    """A page signed in by name and password, in ``language``, ``width`` px wide."""
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"/ui/language/{language}?next=/ui/home")
    expect(page).to_have_url(re.compile(r"/ui/sign-in\?next="))
    words = {"zh": ("用户名", "密码", "登录"), "en": ("User name", "Password", "Sign in")}
    name_label, password_label, button = words[language]
    page.get_by_label(name_label).fill(user)
    page.get_by_label(password_label, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(r"/ui/home$"))
    return page


def fits(page: Page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} scrolls sideways ({scrolled}px > {width}px)"


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_new_page_renders_and_fits(
    browser: Browser,  # noqa: F811
    service: tuple[str, Runtime],
    language: str,
    width: str,
) -> None:
    base, _ = service
    page = signed_in(browser, base, language, WIDTHS[width])
    for key, (path, headings) in PAGES.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(headings[language])
        fits(page, WIDTHS[width])
        shot(page, f"new-pages-{language}-{width}-{key}")
    nav = page.get_by_role("navigation")
    for key in ("home", "queue", "new-claim", "access-log", "users", "downloads"):
        expect(nav.locator(f'a[href="{PAGES[key][0]}"]')).to_have_count(1)


def test_the_queue_lists_the_claim_assigned_to_the_user(
    browser: Browser,  # noqa: F811
    service: tuple[str, Runtime],
) -> None:
    base, _ = service
    page = signed_in(browser, base, "zh", 1280)
    page.get_by_role("navigation").get_by_role("link", name="我的待办").click()
    row = page.locator("table.list tbody tr").filter(has_text=QUEUED)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=QUEUED).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(QUEUED)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_agent_reports_a_claim_with_two_items_after_fixing_a_field(
    browser: Browser,  # noqa: F811
    service: tuple[str, Runtime],
    language: str,
) -> None:
    base, runtime = service
    page = signed_in(browser, base, language, 390, user="liu.yang")
    page.goto("/ui/new-claim")
    labels = {
        "zh": {"kind": "诉求", "channel": "渠道", "name": "姓名", "model": "型号",
               "category": "品类", "price": "单价（元）", "purchased": "购买日期",
               "add": "再添加一件商品", "submit": "提交工单", "error": "请输入数字"},
        "en": {"kind": "Request", "channel": "Channel", "name": "Name", "model": "Model code",
               "category": "Category", "price": "Unit price (¥)", "purchased": "Purchased on",
               "add": "Add another item", "submit": "Report the claim", "error": "Enter a number"},
    }[language]  # fmt: skip
    page.locator("#f-kind").select_option("repair")
    page.locator("#f-channel").select_option("phone")
    page.locator("#f-customer-name").fill("陈静")
    page.locator("#f-customer-phone").fill("13900139000")
    page.locator("#f-items-0-model").fill("XD-450")
    page.locator("#f-items-0-category").select_option("lighting")
    page.locator("#f-items-0-price").fill("399.00")
    page.locator("#f-purchase-purchased_on").fill("2026-11-01")
    page.get_by_role("button", name=labels["add"]).click()
    expect(page.locator("#f-items-1-model")).to_be_visible()
    expect(page.locator("#f-customer-name")).to_have_value("陈静")  # kept
    page.locator("#f-items-1-model").fill("TD-220")
    page.locator("#f-items-1-category").select_option("lighting")
    page.locator("#f-items-1-price").fill("一百")
    page.locator("button.primary").click()
    expect(page.locator("#form-problem")).to_contain_text(labels["error"])
    expect(page.locator("#f-items-1-price")).to_have_attribute("aria-invalid", "true")
    shot(page, f"new-claim-{language}-phone-refused")
    page.locator("#f-items-1-price").fill("129.00")
    page.locator("button.primary").click()
    expect(page).to_have_url(re.compile(r"/ui/claims/[0-9a-f-]{36}"))
    number = page.get_by_role("heading", level=1).inner_text()
    shot(page, f"new-claim-{language}-phone-reported")
    claim_id = page.url.split("/ui/claims/")[1].split("?")[0]
    claim = runtime.ledger.get_claim(uuid.UUID(claim_id))
    assert [s.item.model for s in claim.items] == ["XD-450", "TD-220"]
    assert claim.claim_number in number


def test_a_supervisor_adds_a_user_and_sees_the_token_once(
    browser: Browser,  # noqa: F811
    service: tuple[str, Runtime],
) -> None:
    base, _ = service
    page = signed_in(browser, base, "en", 1280)
    page.goto("/ui/users")
    page.locator("#new-name").fill("zhao.min")
    page.locator("#new-display-name").fill("赵敏")
    page.locator("#new-role").select_option("specialist")
    page.locator("#new-password").fill("a first password")
    page.get_by_role("button", name="Add the user").click()
    expect(page.locator("#created")).to_contain_text("User zhao.min added.")
    expect(page.locator("#new-token")).to_contain_text("sbk_")
    expect(page.locator("#user-zhao\\.min")).to_contain_text("赵敏")
    shot(page, "users-en-desktop-added")


def test_the_service_record_prints_without_the_navigation(
    browser: Browser,  # noqa: F811
    service: tuple[str, Runtime],
) -> None:
    base, _ = service
    page = signed_in(browser, base, "zh", 1280)
    page.goto("/ui/claims/LF-2026-0007/service-record")
    expect(page.locator("header.top")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".no-print").first).to_be_hidden()
    expect(page.locator(".signatures")).to_be_visible()
    shot(page, "service-record-zh-print")
