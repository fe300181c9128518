"""The claims list as a spreadsheet sheet: one row per claim, the columns a supervisor filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.http.spreadsheets import TIME_NOTE, Sheet
from projections.claims.claims_queries import ClaimRow

XLSX_MAX_CLAIMS = 50_000
COLUMNS: Sequence[tuple[str, str]] = (
    ("claim_number", "claim"),
    ("status", "status"),
    ("kind", "kind"),
    ("channel", "channel"),
    ("priority", "priority"),
    ("problem_category", "problem category"),
    ("categories", "categories"),
    ("models", "models"),
    ("serial_nos", "serial numbers"),
    ("region", "region"),
    ("team", "team"),
    ("assignee", "assignee"),
    ("created_at", f"created ({TIME_NOTE})"),
    ("updated_at", f"updated ({TIME_NOTE})"),
    ("closed_at", f"closed ({TIME_NOTE})"),
    ("sla_due_at", f"SLA due ({TIME_NOTE})"),
    ("overdue", "overdue"),
    ("satisfaction", "satisfaction"),
    ("description", "description"),
)


def cells(row: ClaimRow) -> list[Any]:
    values = [getattr(row, field) for field, _ in COLUMNS]
    return [", ".join(value) if isinstance(value, list) else value for value in values]


def claims_sheet(rows: Sequence[ClaimRow]) -> Sheet:
    return Sheet("claims", [title for _, title in COLUMNS], (cells(row) for row in rows))
