"""The claim template: claims kept in a spreadsheet (CSV or XLSX), one row per claim item.

Rows with the same ``claim_number`` are one claim with several items; a row
without one is a claim of its own (numbered by the ledger). Each claim is checked
by the API's report schema and then by every rule the ledger applies when a claim
is reported (``ClaimsLedger.check_report``), so that all errors of the file,
each with its row number, are known before anything is written.

The header row names the columns in English or in Chinese (``COLUMNS``); columns
the template does not know are refused by name, never ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from api.cli.language import cli_language
from api.cli.messages import t
from api.http.schemas.claims import ClaimReport
from api.ui.i18n import Translator
from api.ui.validation_texts import reason_text
from domain.application import ClaimsLedger
from domain.errors import SanbaoError
from domain.values import Actor

# field name → (English header, Chinese header)
COLUMNS: dict[str, tuple[str, str]] = {
    "claim_number": ("claim_number", "案件号"),
    "kind": ("kind", "类型"),
    "channel": ("channel", "渠道"),
    "reported_at": ("reported_at", "报修时间"),
    "customer_name": ("customer_name", "客户姓名"),
    "customer_phone": ("customer_phone", "客户电话"),
    "customer_email": ("customer_email", "客户邮箱"),
    "customer_region": ("customer_region", "客户地区"),
    "customer_address": ("customer_address", "客户地址"),
    "purchased_on": ("purchased_on", "购买日期"),
    "delivered_on": ("delivered_on", "签收日期"),
    "proof": ("proof", "购买凭证"),
    "payment_method": ("payment_method", "付款方式"),
    "order_no": ("order_no", "订单号"),
    "requested_remedy": ("requested_remedy", "客户要求"),
    "description": ("description", "问题描述"),
    "model": ("model", "型号"),
    "model_name": ("model_name", "型号名称"),
    "category": ("category", "品类"),
    "serial_no": ("serial_no", "序列号"),
    "batch_no": ("batch_no", "批次"),
    "supplier": ("supplier", "供应商"),
    "quantity": ("quantity", "数量"),
    "price": ("price", "单价"),
}
HEADERS = {header: name for name, pair in COLUMNS.items() for header in pair}
CLAIM_FIELDS = ("kind", "channel", "reported_at", "requested_remedy", "description")
CUSTOMER_FIELDS = ("name", "phone", "email", "region", "address")
PURCHASE_FIELDS = ("purchased_on", "delivered_on", "proof", "payment_method", "order_no")
ITEM_FIELDS = ("model", "model_name", "category", "serial_no", "batch_no", "supplier")


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    field: str
    reason: str

    def __str__(self) -> str:
        return t("import.row_error", row=self.row, field=self.field, reason=self.reason)


@dataclass
class TemplateClaim:
    rows: list[int]
    values: list[dict[str, str]] = field(default_factory=list)


class TemplateError(SanbaoError):
    """Raised when the file itself cannot be read as a template (format, header)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> Iterator[list[str]]:
    """The file's rows as text cells: CSV (UTF-8, with or without a BOM) or XLSX (first sheet)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as lines:
            yield from ([cell.strip() for cell in row] for row in csv.reader(lines))
    elif suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_text(value) for value in row]
        workbook.close()
    else:
        raise TemplateError(t("import.not_a_template", name=path.name))


def group_claims(rows: Iterator[list[str]]) -> list[TemplateClaim]:
    """Rows grouped into claims by claim number; unknown or missing columns are errors."""
    header = next(rows, None)
    if header is None:
        raise TemplateError(t("import.empty"))
    unknown = [name for name in header if name and name not in HEADERS]
    if unknown:
        known = ", ".join(english for english, _ in COLUMNS.values())
        raise TemplateError(t("import.unknown_columns", unknown=", ".join(unknown), known=known))
    names = [HEADERS.get(name, "") for name in header]
    claims: dict[str, TemplateClaim] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        values = {name: cell for name, cell in zip(names, cells, strict=False) if name and cell}
        key = values.get("claim_number") or f"row {number}"
        claim = claims.setdefault(key, TemplateClaim(rows=[]))
        claim.rows.append(number)
        claim.values.append(values)
    return list(claims.values())


def schema_reason(name: str, message: str) -> str:
    """The report schema's (pydantic's, English) message in the command line's language, in
    the console's words for the same refusals (``api.ui.validation_texts``)."""
    if cli_language() != "zh":
        return message
    return reason_text(Translator("zh"), name, message)


def _pick(values: dict[str, str], names: Sequence[str], prefix: str = "") -> dict[str, str]:
    return {name: values[prefix + name] for name in names if values.get(prefix + name)}


def report_body(claim: TemplateClaim) -> tuple[dict[str, Any], list[RowError]]:
    """The report body of the API for one claim; claim-level cells must agree across rows."""
    first, errors = claim.values[0], []
    shared = ("claim_number", *CLAIM_FIELDS, *(f"customer_{n}" for n in CUSTOMER_FIELDS))
    for row, values in zip(claim.rows[1:], claim.values[1:], strict=True):
        for name in (*shared, *PURCHASE_FIELDS):
            if values.get(name, "") != first.get(name, "") and values.get(name):
                errors.append(RowError(row, name, t("import.differs", row=claim.rows[0])))
    body: dict[str, Any] = _pick(first, ("claim_number", *CLAIM_FIELDS))
    if "reported_at" in body:
        body["occurred_at"] = body.pop("reported_at")
    body["customer"] = _pick(first, CUSTOMER_FIELDS, "customer_")
    body["purchase"] = _pick(first, PURCHASE_FIELDS)
    body["items"] = [_pick(values, (*ITEM_FIELDS, "quantity", "price")) for values in claim.values]
    return body, errors


def _row_of(claim: TemplateClaim, location: Sequence[int | str]) -> tuple[int, str]:
    """The row and template column a schema error's location points at."""
    parts = [str(part) for part in location]
    if parts[:1] == ["items"] and len(parts) > 1 and parts[1].isdigit():
        index = int(parts[1])
        return claim.rows[min(index, len(claim.rows) - 1)], ".".join(parts[2:]) or "items"
    if parts[:1] == ["customer"] and len(parts) > 1:
        return claim.rows[0], f"customer_{parts[1]}"
    if parts[:1] == ["purchase"] and len(parts) > 1:
        return claim.rows[0], parts[1]
    name = "reported_at" if parts[:1] == ["occurred_at"] else ".".join(parts)
    return claim.rows[0], name


def check_claims(
    ledger: ClaimsLedger, actor: Actor, claims: list[TemplateClaim]
) -> tuple[list[ClaimReport], list[RowError]]:
    """Every claim checked by the API's schema and the ledger's rules; nothing is recorded."""
    reports: list[ClaimReport] = []
    errors: list[RowError] = []
    for claim in claims:
        body, disagreements = report_body(claim)
        errors.extend(disagreements)
        try:
            report = ClaimReport.model_validate(body)
        except ValidationError as invalid:
            for problem in invalid.errors():
                row, name = _row_of(claim, problem["loc"])
                errors.append(RowError(row, name, schema_reason(name, problem["msg"])))
            continue
        try:
            ledger.check_report(actor, **report.to_kwargs())
        except SanbaoError as refusal:
            field_name = getattr(refusal, "field", "") or "claim"
            location = field_name.replace("[", ".").replace("]", "").split(".")
            reason = getattr(refusal, "reason", "") or str(refusal)
            if cli_language() == "zh":
                reason = getattr(refusal, "detail_zh", "") or reason
            errors.append(RowError(*_row_of(claim, location), reason))
            continue
        reports.append(report)
    return reports, errors
