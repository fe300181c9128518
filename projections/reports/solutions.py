"""Which standard solution fixed what: faults by code and the first-time fix rate.

Over ``views.item_faults`` and ``views.repairs_done`` (``projections.reports.solutions_view``).
A solution's first-time fix rate is the share of the items whose first repair applied
it that this repair fixed (``fixed`` at attempt 1); later attempts are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import class_row

from projections.engine.view import VIEWS_SCHEMA


@dataclass(frozen=True)
class FaultCount:
    """Items diagnosed with a fault code in the month (by their latest diagnosis)."""

    fault_code: str
    items: int


@dataclass(frozen=True)
class SolutionLine:
    """The repairs that applied one solution to one fault code in the month."""

    fault_code: str
    solution_id: str
    repairs: int
    first_attempts: int
    fixed_first_time: int
    first_time_fix_rate: Decimal | None  # None when no first attempt applied it


@dataclass(frozen=True)
class SolutionStatistics:
    month: date
    faults: list[FaultCount]
    solutions: list[SolutionLine]


FAULTS = """
SELECT fault_code, count(*)::int AS items
FROM {faults} WHERE month = %(month)s AND fault_code <> ''
GROUP BY fault_code ORDER BY items DESC, fault_code
"""

SOLUTIONS = """
SELECT fault_code, solution_id,
       count(*)::int AS repairs,
       count(*) FILTER (WHERE attempt = 1)::int AS first_attempts,
       count(*) FILTER (WHERE attempt = 1 AND outcome = 'fixed')::int AS fixed_first_time,
       round(count(*) FILTER (WHERE attempt = 1 AND outcome = 'fixed')::numeric
             / nullif(count(*) FILTER (WHERE attempt = 1), 0), 4) AS first_time_fix_rate
FROM {repairs} WHERE month = %(month)s AND solution_id <> ''
GROUP BY fault_code, solution_id ORDER BY fault_code, solution_id
"""


def solution_statistics(
    conn: Connection[Any], month: date, schema: str = VIEWS_SCHEMA
) -> SolutionStatistics:
    """The month's faults by code and its repairs by fault code and solution."""
    tables = {
        "faults": sql.Identifier(schema, "item_faults"),
        "repairs": sql.Identifier(schema, "repairs_done"),
    }
    params = {"month": month.replace(day=1)}
    with conn.cursor(row_factory=class_row(FaultCount)) as cur:
        faults = cur.execute(sql.SQL(FAULTS).format(**tables), params).fetchall()
    with conn.cursor(row_factory=class_row(SolutionLine)) as cur:
        lines = cur.execute(sql.SQL(SOLUTIONS).format(**tables), params).fetchall()
    return SolutionStatistics(month=params["month"], faults=faults, solutions=lines)
