"""A recall list as CSV: one row per affected unit and claim, for spreadsheets.

UTF-8 with a byte order mark, so spreadsheet programs read the Chinese text; a
header row with the field names of ``RecallUnit``; times in RFC 3339 at the business
offset (+08:00), as the API tells them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import astuple
from datetime import datetime
from typing import Any

from domain.claim import BUSINESS_TZ
from projections.trace.trace_queries import RECALL_FIELDS, RecallUnit

MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return value.astimezone(BUSINESS_TZ).isoformat() if isinstance(value, datetime) else value


def recall_csv(units: Iterable[RecallUnit]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RECALL_FIELDS)
    for unit in units:
        writer.writerow([_cell(value) for value in astuple(unit)])
    return BOM + buffer.getvalue()
