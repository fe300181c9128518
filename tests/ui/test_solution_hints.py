"""The console suggests the catalogue's standard repair solutions on a claim's diagnose and
repair forms, and its monthly report counts faults by code with the first-time fix rate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.claim import BUSINESS_TZ
from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres


def run(client: TestClient, token: str, claim_id: str, action: str, **body: Any) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.post(f"/api/v1/claims/{claim_id}/{action}", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    position: int = answer.json()["position"]
    return position


@pytest.mark.parametrize(
    ("language", "fault_name", "solution_text"),
    [
        (
            "zh",
            "线路故障（焊点虚接）",
            "LT-WIRING: 更换 LED 驱动电源 · 配件：LED-DRIVER-9W；工时 0.5 小时",
        ),
        (
            "en",
            "Wiring fault (loose solder joint)",
            "LT-WIRING: Replace the LED driver · parts: LED-DRIVER-9W; labour 0.5 h",
        ),
    ],
)
def test_the_diagnose_and_repair_forms_suggest_the_models_standard_solutions(
    client: TestClient,
    tokens: dict[Role, str],
    as_role: dict[Role, TestClient],
    language: str,
    fault_name: str,
    solution_text: str,
) -> None:
    claim_id = new_claim(client, {"Authorization": f"Bearer {tokens[Role.AGENT]}"})["claim_id"]
    technician = as_role[Role.TECHNICIAN]
    technician.cookies.set("sanbao_lang", language, path="/ui")
    page = technician.get(f"/ui/claims/{claim_id}").text
    assert 'list="diagnose-fault_code-choices"' in page
    assert f'<option value="LT-WIRING">{fault_name}</option>' in page
    assert "LA-COMPRESSOR" not in page  # a large appliance's fault, not a lamp's

    run(client, tokens[Role.TECHNICIAN], claim_id, "diagnose", item_no=1, finding="不亮",
        cause="quality_defect", remedy="repair", fault_code="LT-WIRING")  # fmt: skip
    run(client, tokens[Role.TECHNICIAN], claim_id, "start-repair", item_no=1, mode="on_site")
    page = technician.get(f"/ui/claims/{claim_id}").text
    assert 'list="record-repair-solution_id-choices"' in page
    assert f'<option value="LT-WIRING-DRIVER">{solution_text}</option>' in page


def test_the_monthly_report_counts_faults_by_code_and_the_first_time_fix_rate(
    client: TestClient, tokens: dict[Role, str], as_role: dict[Role, TestClient], runtime: Runtime
) -> None:
    month = datetime.now(BUSINESS_TZ).strftime("%Y-%m")
    supervisor = as_role[Role.SUPERVISOR]
    supervisor.cookies.set("sanbao_lang", "zh", path="/ui")
    claim_id = new_claim(client, {"Authorization": f"Bearer {tokens[Role.AGENT]}"})["claim_id"]
    token = tokens[Role.TECHNICIAN]
    run(client, token, claim_id, "diagnose", item_no=1, finding="频闪",
        cause="quality_defect", remedy="repair", fault_code="LT-FLICKER")  # fmt: skip
    run(client, token, claim_id, "start-repair", item_no=1, mode="on_site")
    position = run(client, token, claim_id, "record-repair", item_no=1, outcome="fixed",
                   solution_id="LT-FLICKER-DRIVER")  # fmt: skip
    runtime.wait_for_views(position)

    page = supervisor.get(f"/ui/reports/monthly?month={month}").text
    assert "按故障代码统计与一次修复率" in page
    assert "<td>LT-FLICKER · " in page
    row = page[page.index("<td>LT-FLICKER-DRIVER · ") :].split("</tr>")[0]
    assert row.endswith("%</td>") and "<td>—</td>" not in row  # a rate, from a first repair
