"""Fault codes diagnosed and solutions applied (``views.item_faults``, ``views.repairs_done``).

A diagnosis of an item names the catalogue's fault code (``domain.catalogue``) or none;
the item's row keeps the latest. Each repair is a row with its attempt number for the
item (1 for the first), the item's fault code at the time, the solution applied and its
outcome, so the report (``projections.reports.solutions``) reads which solution fixed
what at the first attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Cursor, sql

from domain.claim import business_date
from projections.engine.envelope import Envelope
from projections.engine.view import View


class SolutionsView(View):
    """Fault codes per item and every repair with the solution it applied."""

    name = "solutions"
    tables = ("item_faults", "repairs_done")

    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        # In ledger order, one statement per event: a repair reads the fault code and
        # the attempts recorded before it, in this batch too. Pipelined: the statements
        # still run one after another, in this order, but are sent without waiting for
        # each one's answer (a round trip per event was a quarter of a catch-up's time).
        fault, repair = self._fault(), self._repair()
        with cur.connection.pipeline():
            for envelope in batch:
                if envelope.event_type == "Diagnosed" and envelope.data.get("item_no") is not None:
                    cur.execute(fault, self._row(envelope))
                elif envelope.event_type == "Repaired":
                    cur.execute(repair, self._row(envelope))

    @staticmethod
    def _row(envelope: Envelope) -> dict[str, Any]:
        data = envelope.data
        outcome = data.get("outcome")
        return {
            "position": envelope.position,
            "claim_id": envelope.claim_id,
            "item_no": data["item_no"],
            "fault_code": data.get("fault_code", ""),  # none before the catalogue
            "solution_id": data.get("solution_id", ""),
            "outcome": getattr(outcome, "value", outcome),
            "occurred_at": envelope.occurred_at,
            "month": business_date(envelope.occurred_at).replace(day=1),
        }

    def _fault(self) -> sql.Composed:
        # Applying an event again changes nothing: an older position does not overwrite.
        return sql.SQL(
            "INSERT INTO {t} (claim_id, item_no, fault_code, position, occurred_at, month) "
            "VALUES (%(claim_id)s, %(item_no)s, %(fault_code)s, %(position)s, "
            "%(occurred_at)s, %(month)s) "
            "ON CONFLICT (claim_id, item_no) DO UPDATE SET fault_code = EXCLUDED.fault_code, "
            "position = EXCLUDED.position, occurred_at = EXCLUDED.occurred_at, "
            "month = EXCLUDED.month WHERE {t}.position < EXCLUDED.position"
        ).format(t=self.table("item_faults"))

    def _repair(self) -> sql.Composed:
        return sql.SQL(
            "INSERT INTO {r} (position, claim_id, item_no, attempt, fault_code, solution_id, "
            "outcome, occurred_at, month) "
            "SELECT %(position)s, %(claim_id)s, %(item_no)s, "
            "(SELECT count(*) + 1 FROM {r} d WHERE d.claim_id = %(claim_id)s "
            "AND d.item_no = %(item_no)s AND d.position < %(position)s), "
            "coalesce((SELECT f.fault_code FROM {f} f WHERE f.claim_id = %(claim_id)s "
            "AND f.item_no = %(item_no)s AND f.position < %(position)s), ''), "
            "%(solution_id)s, %(outcome)s, %(occurred_at)s, %(month)s "
            "ON CONFLICT (position) DO NOTHING"
        ).format(r=self.table("repairs_done"), f=self.table("item_faults"))
