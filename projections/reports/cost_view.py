"""Warranty costs: one row per event that cost the seller money (``views.warranty_costs``).

Parts and labour come from a repair's work (a cost not broken down counts as
labour, as on the claim), shipping from a replacement shipped or a return
received, refunds from a refund. Each row keeps the business month of its event,
so a month's warranty cost is what was spent in it; the report
(``projections.reports.warranty_costs``) groups the rows by the item's model,
supplier or cause from the traceability view.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from psycopg import Cursor, sql

from domain.claim import business_date
from domain.values import Costs
from projections.engine.envelope import Envelope
from projections.engine.view import View

COLUMNS = (
    "position",
    "claim_id",
    "item_no",
    "occurred_at",
    "month",
    "parts",
    "labour",
    "shipping",
    "refunds",
)
ZERO = Decimal("0")


def cost_of(envelope: Envelope) -> Costs | None:
    """What the event cost the seller, or None for an event that costs nothing."""
    data = envelope.data
    kind = envelope.event_type
    if kind == "Repaired":
        work = data["work"]
        costs = Costs(parts=work.parts_cost, labour=work.labour_total)
    elif kind in ("ReplacementShipped", "ReturnReceived"):
        costs = Costs(shipping=data.get("shipping_cost", ZERO))
    elif kind == "Refunded":
        costs = Costs(refunds=data["amount"])
    else:
        return None
    return costs if costs.total else None


class CostView(View):
    """Every cost of the claims' work, by item and business month."""

    name = "costs"
    tables = ("warranty_costs",)

    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        rows = []
        for envelope in batch:
            costs = cost_of(envelope)
            if costs is None:
                continue
            rows.append(
                {
                    "position": envelope.position,
                    "claim_id": envelope.claim_id,
                    "item_no": envelope.data["item_no"],
                    "occurred_at": envelope.occurred_at,
                    "month": business_date(envelope.occurred_at).replace(day=1),
                    "parts": costs.parts,
                    "labour": costs.labour,
                    "shipping": costs.shipping,
                    "refunds": costs.refunds,
                }
            )
        if rows:
            cur.executemany(self._insert(), rows)

    def _insert(self) -> sql.Composed:
        # Applying an event again changes nothing: its position is the key.
        return sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (position) DO NOTHING").format(
            self.table("warranty_costs"),
            sql.SQL(", ").join(map(sql.Identifier, COLUMNS)),
            sql.SQL(", ").join(map(sql.Placeholder, COLUMNS)),
        )
