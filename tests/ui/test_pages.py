"""Every console page renders, in Chinese and in English, with dates and numbers localised."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.service.runtime import Runtime
from domain.calendar import HolidaySource, holiday_source
from domain.claim import Claim, business_date
from domain.vocabulary import Role
from tests.e2e.claims import report_body
from tests.e2e.conftest import api_settings
from tests.ui.conftest import csrf_of, new_browser, sign_in

pytestmark = pytest.mark.postgres

LF1 = Claim.create_id("LF-2026-0001")
ROW_LINK = re.compile(r'<th scope="row"><a href="/ui/claims/([0-9a-f-]+)">')
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')
# Each page with a phrase that proves the language (a domain term or a heading).
PAGES = {
    "/ui/claims": {"zh": "售后案件", "en": "Claims"},
    "/ui/claims?status=closed&limit=50": {"zh": "已结案", "en": "closed"},
    f"/ui/claims/{LF1}": {"zh": "包换", "en": "exchange (包换)"},
    "/ui/claims/LF-2026-0007?version=5": {"zh": "第 5 版", "en": "version 5 of"},
    # Each unit of a partly exchanged line with its remedy and replacement serial.
    "/ui/claims/LF-2026-0011": {
        "zh": "第 2 件: 包换 → LED9-1202",
        "en": "unit 2: exchange (包换) → LED9-1202",
    },
    "/ui/sla": {"zh": "时限看板", "en": "SLA board"},
    "/ui/trace": {"zh": "质量追溯", "en": "Traceability"},
    "/ui/trace?by=serial&key=LED9-0451": {"zh": "故障件 → 换新件", "en": "faulty → replacement"},
    "/ui/trace?by=batch&key=B2026-07": {"zh": "责任划分", "en": "Responsibility"},
    "/ui/trace?by=supplier&key=佛山照明配件厂": {"zh": "供应商责任", "en": "Supplier resp"},
    "/ui/reports/monthly": {"zh": "满意度趋势", "en": "Satisfaction trend"},
    "/ui/integrity": {"zh": "台账完整性", "en": "Ledger integrity"},
}


@pytest.fixture(scope="module")
def supervisors(
    client: TestClient, tokens: dict[Role, str], demo: list[str]
) -> dict[str, TestClient]:
    browsers = {}
    for language in ("zh", "en"):
        browser = new_browser(client, language)
        sign_in(browser, tokens[Role.SUPERVISOR])
        browsers[language] = browser
    return browsers


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_in_both_languages(
    supervisors: dict[str, TestClient], path: str, language: str
) -> None:
    response = supervisors[language].get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{"zh-Hans" if language == "zh" else "en"}">' in response.text
    assert PAGES[path][language] in response.text


def test_dates_follow_the_language(supervisors: dict[str, TestClient]) -> None:
    zh = supervisors["zh"].get(f"/ui/claims/{LF1}").text
    en = supervisors["en"].get(f"/ui/claims/{LF1}").text
    assert "年" in zh and "月" in zh  # 2026年11月3日
    assert "Nov 2026" in en or "Oct 2026" in en


def test_the_language_choice_is_remembered_in_a_cookie(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    browser = new_browser(client)
    sign_in(browser, tokens[Role.AUDITOR])
    assert '<html lang="zh-Hans">' in browser.get("/ui/claims").text
    response = browser.get("/ui/language/en?next=/ui/sla", follow_redirects=False)
    assert response.headers["location"] == "/ui/sla"
    assert '<html lang="en">' in browser.get("/ui/claims").text


def test_the_language_switch_never_redirects_off_the_console(client: TestClient) -> None:
    response = new_browser(client).get(
        "/ui/language/en?next=https://evil.example/", follow_redirects=False
    )
    assert response.headers["location"] == "/ui/claims"


def test_a_chart_downloads_as_csv(supervisors: dict[str, TestClient], runtime: Runtime) -> None:
    # The demo's wiring fault (a quality defect) was reported 20 days ago: its month,
    # which early in a month is not the current one.
    wiring_fault = runtime.ledger.get_claim_by_number("LF-2026-0001")
    month = business_date(wiring_fault.reported_at).strftime("%Y-%m")
    response = supervisors["en"].get(f"/ui/reports/monthly.csv?chart=cause&month={month}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.lstrip("\ufeff").splitlines()
    assert lines[0] == "key,claims,items,complaints"
    assert any(line.startswith("quality_defect,") for line in lines)


def test_an_unknown_claim_is_a_404_page(supervisors: dict[str, TestClient]) -> None:
    response = supervisors["en"].get("/ui/claims/NO-SUCH-CLAIM")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No such claim" in response.text


def test_a_bad_filter_shows_the_apis_field_error(supervisors: dict[str, TestClient]) -> None:
    response = supervisors["en"].get("/ui/claims?status=lost")
    assert response.status_code == 422
    assert '<strong class="field-name">Status</strong>: Input should be one of: ' in response.text


def test_console_routes_stay_out_of_the_openapi() -> None:
    document = create_app(api_settings("postgresql://unused@127.0.0.1:1/unused")).openapi()
    assert not [path for path in document["paths"] if path.startswith("/ui")]


def test_verifying_the_ledger_from_the_console_shows_the_outcome(
    supervisors: dict[str, TestClient],
) -> None:
    browser = supervisors["en"]
    page = browser.get("/ui/integrity")
    response = browser.post("/ui/integrity/verify", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 200
    assert "Intact up to position" in response.text


def test_pages_are_never_cached_nor_framed(supervisors: dict[str, TestClient]) -> None:
    headers = supervisors["zh"].get(f"/ui/claims/{LF1}").headers
    assert headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'none'" in headers["content-security-policy"]


def test_the_list_pages_by_keyset_without_repeating_a_claim(
    client: TestClient, tokens: dict[Role, str], supervisors: dict[str, TestClient]
) -> None:
    headers = {"Authorization": f"Bearer {tokens[Role.AGENT]}"}
    for _ in range(25):
        body = report_body()
        body["items"][0]["model"] = "PAGING-9"
        reported = client.post("/api/v1/claims", json=body, headers=headers)
        assert reported.status_code == 201
    position = reported.json()["position"]  # the list waits for the views to reach it
    browser = supervisors["en"]
    first = browser.get(f"/ui/claims?model=PAGING-9&limit=20&min_position={position}").text
    seen = ROW_LINK.findall(first)
    assert len(seen) == 20
    following = NEXT_LINK.search(first)
    assert following, "no link to the next page"
    second = browser.get(following.group(1).replace("&amp;", "&")).text
    rest = ROW_LINK.findall(second)
    assert len(rest) == 5
    assert not set(seen) & set(rest)
    assert NEXT_LINK.search(second) is None


@pytest.mark.parametrize(
    ("language", "words"), [("zh", "仅法定节假日"), ("en", "statutory public holidays only")]
)
def test_sla_board_says_where_next_years_holidays_come_from(
    supervisors: dict[str, TestClient], language: str, words: str
) -> None:
    # chinesecalendar 1.11 stops at 2026; from 2027 on the holidays package is the source.
    next_year = datetime.now().year + 1
    assert holiday_source(next_year) is HolidaySource.STATUTORY
    page = supervisors[language].get("/ui/sla").text
    assert str(next_year) in page and words in page
