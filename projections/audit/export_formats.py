"""Audit exports as CSV or NDJSON, each saying which ledger head it was cut at.

NDJSON: a first line ``{"type": "header", ...}`` (format, head position and
hash, the last checkpoint with its signed body and signature, filters, row
count), one ``{"type": "event", ...}`` line per audit row, and a last line
``{"type": "trailer", "rows": N}``.

CSV: a UTF-8 byte-order mark (so that Excel and WPS read the Chinese text as
UTF-8), a header row and one row per event (payload as JSON), and nothing else:
spreadsheets open it as one clean table. Where it was cut travels beside it
(``export_head_fields``: the HTTP headers, or the file ``sanbao export
--head-file`` writes); the NDJSON header carries the signed checkpoint itself.

XLSX: the same rows on a sheet ``audit``, and the header's fields on a sheet
``export``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any

from domain.claim import BUSINESS_TZ
from projections.audit.audit_export import ExportFilters, ExportHead
from projections.audit.audit_queries import AuditRow

FORMAT = "sanbao-audit-export/1"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"
FIELDS = [
    "position", "claim_id", "claim_number", "version", "event_type", "actor", "role",
    "occurred_at", "recorded_at", "summary", "payload",
]  # fmt: skip


def _plain(value: Any) -> Any:
    """Text for a value; a time in RFC 3339 at the business offset (+08:00), as the API tells it."""
    return value.astimezone(BUSINESS_TZ).isoformat() if isinstance(value, datetime) else str(value)


def _header(head: ExportHead, filters: ExportFilters) -> dict[str, Any]:
    chosen = {key: value for key, value in asdict(filters).items() if value is not None}
    return {"type": "header", "format": FORMAT, **asdict(head), "filters": chosen}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain, separators=(",", ":"))


def ndjson_lines(items: Iterable[ExportHead | AuditRow], filters: ExportFilters) -> Iterator[str]:
    rows = 0
    for item in items:
        if isinstance(item, ExportHead):
            yield _json(_header(item, filters)) + "\n"
            continue
        rows += 1
        yield _json({"type": "event", **asdict(item)}) + "\n"
    yield _json({"type": "trailer", "rows": rows}) + "\n"


def export_head_fields(head: ExportHead, filters: ExportFilters) -> dict[str, str]:
    """Where the export was cut, as text fields (JSON for the filters), for a CSV's companion."""
    header = _header(head, filters)
    del header["type"]
    return {
        key: _json(value) if isinstance(value, dict) else _plain(value)
        for key, value in header.items()
        if value is not None
    }


def audit_cells(row: AuditRow) -> list[Any]:
    """One audit row's cells in ``FIELDS`` order (payload as JSON, times in ISO 8601)."""
    values = asdict(row)
    return [_json(values[f]) if f == "payload" else _plain(values[f]) for f in FIELDS]


def csv_lines(items: Iterable[ExportHead | AuditRow], filters: ExportFilters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for item in items:
        if isinstance(item, ExportHead):
            buffer.write(BOM)
            writer.writerow(FIELDS)
        else:
            writer.writerow(audit_cells(item))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def export_lines(
    items: Iterable[ExportHead | AuditRow], filters: ExportFilters, form: str
) -> Iterator[str]:
    """The export in ``form`` ("csv" or "ndjson"), line by line."""
    return csv_lines(items, filters) if form == "csv" else ndjson_lines(items, filters)
