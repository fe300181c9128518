"""The console's overview, queue, access log, downloads and service record, by role and language."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from api.http.schemas.claims import ClaimReport
from api.roles import PERMISSIONS
from api.service.runtime import Runtime
from domain.claim import BUSINESS_TZ, Claim
from domain.values import Actor
from domain.vocabulary import Role, Team
from storage.recorder import datastore_of
from tests.e2e.claims import report_body
from tests.support.business_day import business_today
from tests.ui.conftest import new_browser, sign_in

pytestmark = pytest.mark.postgres

# Each page with the permission it needs and a phrase proving each language.
PAGES = {
    "/ui/home": ("claims:read", {"zh": "本月与上月对比", "en": "This month against last"}),
    "/ui/queue": ("queue:read", {"zh": "我的待办", "en": "My queue"}),
    "/ui/access-log": ("access-log:read", {"zh": "访问日志", "en": "Access log"}),
    "/ui/downloads": ("audit:export", {"zh": "审计导出", "en": "Audit export"}),
    "/ui/claims/LF-2026-0007/service-record": (
        "claims:read",
        {"zh": "三包服务记录", "en": "三包 service record"},
    ),
}
AGENT = Actor("e2e.agent", Role.AGENT)
SUPERVISOR = Actor("e2e.supervisor", Role.SUPERVISOR)
ROWS = re.compile(r'<th scope="row"><a href="/ui/claims/[0-9a-f-]+">([A-Z0-9-]+)</a></th>')


@pytest.fixture(scope="module")
def browsers(
    client: TestClient, tokens: dict[Role, str], demo: list[str]
) -> dict[tuple[Role, str], TestClient]:
    """A signed-in client per role and language."""
    signed_in = {}
    for role, token in tokens.items():
        for language in ("zh", "en"):
            browser = new_browser(client, language)
            sign_in(browser, token)
            signed_in[role, language] = browser
    return signed_in


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_each_new_page_renders_in_both_languages_for_a_supervisor(
    browsers: dict[tuple[Role, str], TestClient], path: str, language: str
) -> None:
    response = browsers[Role.SUPERVISOR, language].get(path)
    assert response.status_code == 200, response.text
    assert f'<html lang="{"zh-Hans" if language == "zh" else "en"}">' in response.text
    assert PAGES[path][1][language] in response.text


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SYSTEM], ids=lambda r: r.value)
@pytest.mark.parametrize("path", list(PAGES))
def test_a_page_is_shown_exactly_to_the_roles_with_its_permission(
    browsers: dict[tuple[Role, str], TestClient], path: str, role: Role
) -> None:
    permission = PAGES[path][0]
    response = browsers[role, "en"].get(path)
    assert response.status_code == (200 if permission in PERMISSIONS[role] else 403)


def test_the_home_counts_open_claims_and_shows_team_figures_to_oversight(
    browsers: dict[tuple[Role, str], TestClient], runtime: Runtime
) -> None:
    with datastore_of(runtime.ledger).get_connection() as conn:
        row = conn.execute(
            "SELECT count(*) AS n FROM views.claims WHERE closed_at IS NULL"
        ).fetchone()
    assert row is not None
    open_claims = row["n"]
    page = browsers[Role.SUPERVISOR, "en"].get("/ui/home").text
    assert f"<dt>Open claims</dt><dd>{open_claims}</dd>" in page
    assert "Teams in" in page
    agent = browsers[Role.AGENT, "en"].get("/ui/home").text
    assert "Teams in" not in agent and "Go to my queue" in agent


def report(runtime: Runtime, serial: str, hours_ago: float, assignee: str) -> str:
    """A fresh claim reported ``hours_ago`` and assigned to ``assignee``; its number."""
    body = report_body(serial_no=f"QUEUE-{serial}-{uuid.uuid4().hex[:6]}")
    body["purchase"]["purchased_on"] = (business_today() - timedelta(days=20)).isoformat()
    when = datetime.now(BUSINESS_TZ) - timedelta(hours=hours_ago)
    kwargs = ClaimReport.model_validate(body).to_kwargs() | {"occurred_at": when}
    reported = runtime.ledger.report(AGENT, **kwargs)
    assigned = runtime.ledger.command(
        Claim.assign, reported.claim_id, SUPERVISOR, team=Team.WAREHOUSE_LOGISTICS,
        assignee=assignee,
    )  # fmt: skip
    runtime.wait_for_views(assigned.position)
    return reported.claim_number


def test_my_queue_lists_my_open_claims_overdue_first_then_soonest_due(
    browsers: dict[tuple[Role, str], TestClient], runtime: Runtime
) -> None:
    late = report(runtime, "late", 24 * 10, "e2e.warehouse")
    recent = report(runtime, "recent", 0, "e2e.warehouse")
    earlier = report(runtime, "earlier", 2, "e2e.warehouse")
    page = browsers[Role.WAREHOUSE, "en"].get("/ui/queue").text
    listed = [n for n in ROWS.findall(page) if n in (late, recent, earlier)]
    assert listed == [late, earlier, recent]
    late_row = page[page.index(f">{late}<") :].split("</tr>")[0]
    assert "overdue" in late_row
    others = browsers[Role.TECHNICIAN, "en"].get("/ui/queue").text
    assert not {late, recent, earlier} & set(ROWS.findall(others))


def test_a_closed_claim_leaves_the_queue(
    browsers: dict[tuple[Role, str], TestClient], runtime: Runtime
) -> None:
    number = report(runtime, "withdrawn", 1, "e2e.warehouse")
    claim = runtime.ledger.get_claim_by_number(number)
    withdrawn = runtime.ledger.command(Claim.withdraw, claim.id, AGENT, reason="客户撤回")
    runtime.wait_for_views(withdrawn.position)
    assert number not in ROWS.findall(browsers[Role.WAREHOUSE, "zh"].get("/ui/queue").text)


def test_the_access_log_shows_who_saw_a_claims_personal_data(
    browsers: dict[tuple[Role, str], TestClient],
) -> None:
    browsers[Role.AGENT, "en"].get("/ui/claims/LF-2026-0003")  # a masked view, logged
    page = browsers[Role.AUDITOR, "zh"].get("/ui/access-log?claim=LF-2026-0003&actor=e2e.agent")
    assert page.status_code == 200
    assert ">LF-2026-0003</a>" in page.text and "e2e.agent" in page.text
    assert "脱敏" in page.text
    other = browsers[Role.AUDITOR, "en"].get("/ui/access-log?claim=LF-2026-0003&actor=nobody")
    assert "Nothing in the access log matches." in other.text


@pytest.mark.parametrize(
    "query, words",
    [("from=30.11.2026", "请按 YYYY-MM-DD 输入"), ("claim=NO-SUCH-9", "没有工单 NO-SUCH-9")],
)
def test_a_bad_access_log_filter_is_shown_at_its_field(
    browsers: dict[tuple[Role, str], TestClient], query: str, words: str
) -> None:
    page = browsers[Role.SUPERVISOR, "zh"].get(f"/ui/access-log?{query}")
    assert page.status_code == 422
    assert words in page.text and 'aria-invalid="true"' in page.text


def test_the_audit_export_downloads_as_csv_and_xlsx_behind_the_session(
    browsers: dict[tuple[Role, str], TestClient],
) -> None:
    browser = browsers[Role.AUDITOR, "en"]
    csv = browser.get("/ui/downloads/audit-export?format=csv&claim=LF-2026-0001")
    assert csv.status_code == 200
    assert csv.headers["content-disposition"].startswith('attachment; filename="sanbao-audit-')
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert len(lines) > 1 and all("LF-2026-0001" in line for line in lines[1:])
    xlsx = browser.get("/ui/downloads/audit-export?format=xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert workbook.sheetnames == ["audit", "export"]


def test_a_bad_export_filter_is_shown_on_the_downloads_page(
    browsers: dict[tuple[Role, str], TestClient],
) -> None:
    page = browsers[Role.SUPERVISOR, "en"].get("/ui/downloads/audit-export?format=pdf&to=soon")
    assert page.status_code == 422
    assert "Choose CSV or XLSX." in page.text and "Enter a day from 2000-01-01" in page.text


def test_a_claims_proof_downloads_as_json(
    browsers: dict[tuple[Role, str], TestClient],
) -> None:
    response = browsers[Role.SUPERVISOR, "en"].get("/ui/downloads/proof?claim=LF-2026-0007")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="sanbao-proof-LF-2026-0007.json"'
    )
    proof = response.json()
    assert proof["events"] and "checkpoints" in proof
    missing = browsers[Role.SUPERVISOR, "zh"].get("/ui/downloads/proof?claim=NO-SUCH-9")
    assert missing.status_code == 422 and "没有工单 NO-SUCH-9" in missing.text


@pytest.mark.parametrize("role", [Role.AGENT, Role.TECHNICIAN, Role.SPECIALIST, Role.WAREHOUSE])
def test_downloads_are_refused_to_roles_without_export_or_verify(
    browsers: dict[tuple[Role, str], TestClient], role: Role
) -> None:
    browser = browsers[role, "en"]
    assert browser.get("/ui/downloads/audit-export?format=csv").status_code == 403
    assert browser.get("/ui/downloads/proof?claim=LF-2026-0007").status_code == 403


def test_the_service_record_shows_decisions_repairs_costs_and_signatures(
    browsers: dict[tuple[Role, str], TestClient], runtime: Runtime
) -> None:
    claim = runtime.ledger.get_claim_by_number("LF-2026-0007")
    page = browsers[Role.TECHNICIAN, "zh"].get("/ui/claims/LF-2026-0007/service-record").text
    decided = next(s for s in claim.items if s.decision is not None)
    assert decided.decision is not None
    assert decided.decision.rule_id in page
    tables = re.findall(r'<table class="record-repairs">.*?</table>', page, re.S)
    repairs = sum(len(s.repairs) for s in claim.items)
    assert repairs > 0 and sum(table.count("<tr><td>") for table in tables) == repairs
    assert "合计" in page and "客户签字" in page and "服务网点盖章" in page
    assert "您的角色不显示此项" in page  # a technician does not see personal data
    assert 'href="/ui/downloads/proof' not in page  # nor downloads the proof


def test_the_stylesheet_prints_the_record_without_the_navigation(client: TestClient) -> None:
    css = client.get("/ui/static/console.css").text
    printed = css[css.index("@media print") :]
    assert "header.top" in printed and ".no-print" in printed
