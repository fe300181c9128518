"""GET /api/v1/claims?format=xlsx: every matching claim as a workbook a spreadsheet opens."""

from __future__ import annotations

import io
import uuid

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.http.spreadsheets import XLSX_MEDIA_TYPE
from domain.vocabulary import Role
from tests.e2e.claims import new_claim, report_body

pytestmark = pytest.mark.postgres


def test_the_workbook_holds_every_matching_claim_with_text_kept_as_text(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    serial = f"WB-{uuid.uuid4().hex[:8]}"
    body = report_body(serial_no=serial)
    body["description"] = '=HYPERLINK("http://example.invalid") 吸顶灯不亮'
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert reported.status_code == 201, reported.text
    new_claim(client, as_role[Role.AGENT])  # another serial: filtered out
    answer = client.get(
        f"/api/v1/claims?format=xlsx&serial_no={serial}&min_position={reported.json()['position']}",
        headers=as_role[Role.SUPERVISOR],
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX_MEDIA_TYPE
    assert 'filename="sanbao-claims.xlsx"' in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content))["claims"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "claim" and "created (Beijing time, UTC+08:00)" in rows[0]
    assert len(rows) == 2 and rows[1][0] == reported.json()["claim"]["claim_number"]
    description = sheet.cell(row=2, column=len(rows[0]))
    assert description.value == body["description"] and description.data_type == "s"


def test_a_workbook_with_a_cursor_is_refused(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.get("/api/v1/claims?format=xlsx&cursor=abc", headers=as_role[Role.AUDITOR])
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_an_unknown_format_is_refused(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.get("/api/v1/claims?format=xls", headers=as_role[Role.AUDITOR])
    assert answer.status_code == 422
