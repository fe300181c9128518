"""Warranty cost by model, supplier or cause: what the claims' work cost in a month.

The costs are those spent in the month (the business month of each repair,
shipment and refund, ``views.warranty_costs``), whichever month the claim was
reported in. Model, supplier and cause are the item's, from the traceability
view: the item's latest diagnosed cause, ``undiagnosed`` without one, and
``unknown`` for a supplier not recorded (or an item the traceability view has
not caught up with yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from psycopg import Connection, sql
from psycopg.rows import dict_row

CostDimension = Literal["model", "supplier", "cause"]
COST_DIMENSIONS: tuple[CostDimension, ...] = ("model", "supplier", "cause")
DIMENSIONS: dict[str, str] = {
    "model": "coalesce(t.model, 'unknown')",
    "supplier": "coalesce(t.supplier, 'unknown')",
    "cause": "coalesce(t.cause, t.claim_cause, CASE WHEN t.model IS NULL THEN 'unknown' "
    "ELSE 'undiagnosed' END)",
}
COSTS = """
SELECT {key} AS key, count(DISTINCT c.claim_id) AS claims,
       count(DISTINCT (c.claim_id, c.item_no)) AS items,
       sum(c.parts) AS parts, sum(c.labour) AS labour, sum(c.shipping) AS shipping,
       sum(c.refunds) AS refunds, sum(c.parts + c.labour + c.shipping + c.refunds) AS total
FROM views.warranty_costs AS c
LEFT JOIN views.trace_items AS t ON t.claim_id = c.claim_id AND t.item_no = c.item_no
WHERE c.month = %(month)s
GROUP BY 1
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


def warranty_costs(conn: Connection[Any], month: date, by: CostDimension) -> WarrantyCosts:
    """The warranty cost spent in ``month`` (any day of it), grouped by ``by``."""
    first = month.replace(day=1)
    query = sql.SQL(COSTS).format(key=sql.SQL(DIMENSIONS[by]))
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(query, {"month": first}).fetchall()
    return WarrantyCosts(first, by, [CostLine(**row) for row in rows])
