"""Extended warranty plan statistics: plans sold, claims under plans, what those claims cost.

A plan sale is a row of ``views.unit_plans`` (written when the Unit's PlanSold
event is recorded, ``record_plan_sale``). A claim item is *under a plan* when
its serial number has a plan sold and the claim was reported (business day,
China time) between the plan's first and last day; its cost is everything the
item's work cost (``views.warranty_costs``: parts, labour, shipping, refunds).
One statement answers per plan, sold or claimed on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.rows import class_row

from domain.units.plans import PlanSale

INSERT_SALE = """
INSERT INTO views.unit_plans
    (serial_no, plan_id, policy_version, starts_on, ends_on, price, sold_on, sold_by)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (serial_no, plan_id) DO NOTHING
"""

STATISTICS = """
WITH under_plan AS (
    SELECT DISTINCT p.plan_id, t.claim_id, t.item_no
    FROM views.unit_plans AS p
    JOIN views.trace_items AS t
      ON t.serial_no = p.serial_no
     AND (t.reported_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN p.starts_on AND p.ends_on
), costs AS (
    SELECT u.plan_id, sum(c.parts + c.labour + c.shipping + c.refunds) AS cost
    FROM under_plan AS u
    JOIN views.warranty_costs AS c ON c.claim_id = u.claim_id AND c.item_no = u.item_no
    GROUP BY u.plan_id
), claims AS (
    SELECT plan_id, count(DISTINCT claim_id) AS claims, count(*) AS items
    FROM under_plan GROUP BY plan_id
), sold AS (
    SELECT plan_id, count(*) AS sold, sum(price) AS revenue FROM views.unit_plans GROUP BY plan_id
)
SELECT s.plan_id, s.sold, s.revenue,
       coalesce(cl.claims, 0) AS claims, coalesce(cl.items, 0) AS items,
       coalesce(co.cost, 0) AS cost
FROM sold AS s
LEFT JOIN claims AS cl ON cl.plan_id = s.plan_id
LEFT JOIN costs AS co ON co.plan_id = s.plan_id
ORDER BY s.plan_id
"""


@dataclass(frozen=True)
class PlanStatistics:
    """One plan: how often it was sold, for how much, and the claims under it."""

    plan_id: str
    sold: int
    revenue: Decimal
    claims: int
    items: int
    cost: Decimal


def record_plan_sale(datastore: PostgresDatastore, serial_no: str, sale: PlanSale) -> None:
    """Adds the sale to the statistics (once: a sale recorded again changes nothing)."""
    with datastore.get_connection() as conn:
        conn.execute(
            INSERT_SALE,
            (
                serial_no,
                sale.plan_id,
                sale.policy_version,
                sale.starts_on,
                sale.ends_on,
                sale.price,
                sale.sold_on,
                sale.sold_by,
            ),
        )


def plan_statistics(conn: Connection[Any]) -> list[PlanStatistics]:
    """Every plan sold: sales, revenue, claims and items under it, and their cost."""
    with conn.cursor(row_factory=class_row(PlanStatistics)) as cur:
        return cur.execute(STATISTICS).fetchall()
