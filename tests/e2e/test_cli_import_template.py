"""``sanbao import`` of the claim template (CSV, XLSX): every row checked before any is written."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings
from tests.integration.personal_data_support import own_database
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres

AS = ["--as", "tpl.agent"]
HEADER = [
    "claim_number", "kind", "channel", "customer_name", "customer_phone", "customer_region",
    "purchased_on", "payment_method", "model", "model_name", "category", "serial_no",
    "quantity", "price", "requested_remedy", "description",
]  # fmt: skip


@pytest.fixture(scope="module")
def ledger_url(database_url: str) -> Iterator[str]:
    with own_database(database_url, "cli_template") as url:
        yield url


@pytest.fixture
def cli(ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", ledger_url)
    monkeypatch.setenv("SANBAO_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    runner = CliRunner()
    runner.invoke(app, ["users", "add", "tpl.agent", "--role", "agent"])  # once per module
    yield runner
    get_settings.cache_clear()


def row(number: str, serial: str, **changes: str) -> list[str]:
    bought = (business_today() - timedelta(days=5)).isoformat()
    values = {
        "claim_number": number, "kind": "exchange", "channel": "phone",
        "customer_name": "刘洋", "customer_phone": "13800138001", "customer_region": "广东",
        "purchased_on": bought, "payment_method": "alipay", "model": "XD-450",
        "model_name": "吸顶灯", "category": "lighting", "serial_no": serial, "quantity": "1",
        "price": "399.00", "requested_remedy": "exchange", "description": "吸顶灯无法点亮",
    } | changes  # fmt: skip
    return [values[name] for name in HEADER]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        csv.writer(out).writerows([header, *rows])
    return path


def claim_number() -> str:
    return f"TPL-{uuid.uuid4().hex[:8].upper()}"


def test_a_csv_template_reports_one_claim_per_number_with_all_its_items(
    cli: CliRunner, tmp_path: Path
) -> None:
    first, second = claim_number(), claim_number()
    path = write_csv(
        tmp_path / "claims.csv",
        [row(first, "S-1"), row(first, "S-2", model="XD-451"), row(second, "S-3")],
    )
    result = cli.invoke(app, [*AS, "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"imported 2 claims: {first}, {second}" in result.output
    shown = cli.invoke(app, ["claim", "show", first], env={"COLUMNS": "250"})
    assert "XD-450" in shown.output and "XD-451" in shown.output and "tpl.agent" in shown.output
    again = cli.invoke(app, [*AS, "import", str(path)])
    assert again.exit_code == 0 and f"already in the ledger, skipped: {first}, {second}" in (
        again.output
    )


def test_every_bad_row_is_named_and_nothing_is_written(cli: CliRunner, tmp_path: Path) -> None:
    good, bad_kind, bad_category, bad_price = (claim_number() for _ in range(4))
    future = (business_today() + timedelta(days=30)).isoformat()
    path = write_csv(
        tmp_path / "bad.csv",
        [
            row(good, "S-10"),
            row(bad_kind, "S-11", kind="swap"),
            row(bad_category, "S-12", category="fridge"),
            row(bad_price, "S-13", price="-1"),
            row(claim_number(), "S-14", purchased_on=future),
        ],
    )
    result = cli.invoke(app, [*AS, "import", str(path)])
    assert result.exit_code == 1
    assert "row 3, kind:" in result.output
    assert "row 4, category:" in result.output
    assert "row 5, price:" in result.output
    assert "row 6, purchased_on:" in result.output
    assert "nothing was imported" in result.output
    chinese = cli.invoke(app, [*AS, "import", str(path)], env={"SANBAO_LANGUAGE": "zh"})
    assert chinese.exit_code == 1
    assert "第 3 行，kind：" in chinese.output and "未导入任何案件" in chinese.output
    for number in (good, bad_kind, bad_category, bad_price):
        shown = cli.invoke(app, ["claim", "show", number])
        assert shown.exit_code == 1 and "not found" in shown.output


def test_an_xlsx_template_with_chinese_headers_is_read(cli: CliRunner, tmp_path: Path) -> None:
    number = claim_number()
    chinese = {
        "claim_number": "案件号", "kind": "类型", "channel": "渠道", "customer_name": "客户姓名",
        "customer_phone": "客户电话", "customer_region": "客户地区", "purchased_on": "购买日期",
        "payment_method": "付款方式", "model": "型号", "model_name": "型号名称",
        "category": "品类", "serial_no": "序列号", "quantity": "数量", "price": "单价",
        "requested_remedy": "客户要求", "description": "问题描述",
    }  # fmt: skip
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([chinese[name] for name in HEADER])
    values = row(number, "S-20")
    values[HEADER.index("quantity")] = 2  # type: ignore[call-overload]
    sheet.append(values)
    path = tmp_path / "claims.xlsx"
    workbook.save(path)
    result = cli.invoke(app, [*AS, "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"imported 1 claims: {number}" in result.output


def test_an_unknown_column_is_refused_by_name(cli: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", [row(claim_number(), "S-30") + ["x"]], HEADER + ["vip"])
    result = cli.invoke(app, [*AS, "import", str(path)])
    assert result.exit_code == 1
    assert "unknown column(s) vip" in result.output


def test_a_template_import_needs_an_operator_who_may_report(cli: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "claims.csv", [row(claim_number(), "S-40")])
    refused = cli.invoke(app, ["import", str(path)], env={"SANBAO_OPERATOR": ""})
    assert refused.exit_code == 1 and "sanbao --as USER" in refused.output
