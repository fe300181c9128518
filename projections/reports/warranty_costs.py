"""Warranty cost by model, supplier or cause: what the claims' work cost in a month.

The costs are those spent in the month (the business month of each repair,
shipment and refund, ``views.warranty_costs``), whichever month the claim was
reported in. Model, supplier and cause are the item's, from the traceability
view: the item's latest diagnosed cause, ``undiagnosed`` without one, and
``unknown`` for a supplier not recorded (or an item the traceability view has
not caught up with yet). One statement groups the month every way asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from psycopg import Connection
from psycopg.rows import dict_row

CostDimension = Literal["model", "supplier", "cause"]
COST_DIMENSIONS: tuple[CostDimension, ...] = ("model", "supplier", "cause")
COSTS = """
WITH costs AS (
    SELECT c.claim_id, c.item_no, c.parts, c.labour, c.shipping, c.refunds,
           coalesce(t.model, 'unknown') AS model,
           coalesce(t.supplier, 'unknown') AS supplier,
           coalesce(t.cause, t.claim_cause,
                    CASE WHEN t.model IS NULL THEN 'unknown' ELSE 'undiagnosed' END) AS cause
    FROM views.warranty_costs AS c
    LEFT JOIN views.trace_items AS t ON t.claim_id = c.claim_id AND t.item_no = c.item_no
    WHERE c.month = %(month)s
)
SELECT CASE WHEN GROUPING(model) = 0 THEN 'model'
            WHEN GROUPING(supplier) = 0 THEN 'supplier' ELSE 'cause' END AS by,
       coalesce(model, supplier, cause) AS key,
       count(DISTINCT claim_id) AS claims, count(DISTINCT (claim_id, item_no)) AS items,
       sum(parts) AS parts, sum(labour) AS labour, sum(shipping) AS shipping,
       sum(refunds) AS refunds, sum(parts + labour + shipping + refunds) AS total
FROM costs
GROUP BY GROUPING SETS ((model), (supplier), (cause))
ORDER BY total DESC, key
"""


@dataclass(frozen=True)
class CostLine:
    """The warranty cost of one model, supplier or cause in the month."""

    key: str
    claims: int
    items: int
    parts: Decimal
    labour: Decimal
    shipping: Decimal
    refunds: Decimal
    total: Decimal


@dataclass(frozen=True)
class WarrantyCosts:
    """A month's warranty cost grouped one way, largest first, and the month's total."""

    month: date
    by: str
    lines: list[CostLine]

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0"))


def warranty_costs_by(
    conn: Connection[Any], month: date, dimensions: tuple[CostDimension, ...] = COST_DIMENSIONS
) -> dict[str, WarrantyCosts]:
    """The warranty cost spent in ``month`` (any day of it), grouped each of the ways named."""
    first = month.replace(day=1)
    grouped: dict[str, list[CostLine]] = {by: [] for by in dimensions}
    with conn.cursor(row_factory=dict_row) as cur:
        for row in cur.execute(COSTS, {"month": first}):
            lines = grouped.get(row.pop("by"))
            if lines is not None:
                lines.append(CostLine(**row))
    return {by: WarrantyCosts(first, by, lines) for by, lines in grouped.items()}


def warranty_costs(conn: Connection[Any], month: date, by: CostDimension) -> WarrantyCosts:
    """The warranty cost spent in ``month`` (any day of it), grouped by ``by``."""
    return warranty_costs_by(conn, month, (by,))[by]
