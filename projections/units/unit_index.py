"""The claims that mention serial numbers, from the trace view plus the log's unapplied tail.

The trace view already indexes every claim item's serial (``trace_items``) and
every replacement shipped (``trace_replacements``). One statement reads, in one
snapshot, the claims those tables name and the position the view has applied
up to; the events after that position are read from the ledger's log
(``domain.units.finder.LogScan``). So the answer holds every claim recorded,
even while the view catches up or is stopped: a decision never misses a repair
because a view was behind. The claims themselves are then loaded from the event
store by the ledger.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from psycopg import sql

from domain.application import ClaimsLedger
from domain.units import LogScan
from projections.engine.tracking import TRACKING_TABLE
from projections.engine.view import VIEWS_SCHEMA
from storage.recorder import datastore_of

TRACE_VIEW = "trace"

CLAIMS_ABOUT = """
SELECT (SELECT coalesce(max(notification_id), 0) FROM {positions}
         WHERE application_name = %(view)s) AS position,
       ARRAY(SELECT claim_id FROM {items} WHERE serial_no = ANY(%(serials)s)
             UNION
             SELECT claim_id FROM {replacements}
              WHERE to_serial = ANY(%(serials)s) OR from_serial = ANY(%(serials)s)) AS claim_ids
"""

TABLES_EXIST = "SELECT bool_and(to_regclass(t) IS NOT NULL) AS ok FROM unnest(%s::text[]) AS t"


class TraceIndex:
    """A ``ClaimFinder`` over the trace view's tables, complete up to the ledger's head."""

    def __init__(self, ledger: ClaimsLedger, schema: str = VIEWS_SCHEMA) -> None:
        self.datastore = datastore_of(ledger)
        self.tail = LogScan(ledger.recorder, ledger.mapper)
        positions = f"{self.datastore.schema or 'public'}.{TRACKING_TABLE}"
        self.tables = (positions, f"{schema}.trace_items", f"{schema}.trace_replacements")
        self.indexed = False  # until the view's tables and positions exist (never dropped)
        self.query = sql.SQL(CLAIMS_ABOUT).format(
            positions=sql.Identifier(self.datastore.schema or "public", TRACKING_TABLE),
            items=sql.Identifier(schema, "trace_items"),
            replacements=sql.Identifier(schema, "trace_replacements"),
        )

    def claims_about(self, serials: Collection[str]) -> set[UUID]:
        wanted = sorted({s.strip() for s in serials if s.strip()})
        if not wanted:
            return set()
        params = {"view": TRACE_VIEW, "serials": wanted}
        position, claim_ids = 0, []  # no view has run on this database yet: the whole log
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            if not self.indexed:
                found = cur.execute(TABLES_EXIST, (list(self.tables),)).fetchone()
                self.indexed = bool(found and found["ok"])
            if self.indexed:
                row = cur.execute(self.query, params).fetchone()
                assert row is not None  # a SELECT without FROM returns one row
                position, claim_ids = row["position"], row["claim_ids"]
        # Read after the view's answer, on a connection of its own: nothing falls between.
        return set(claim_ids) | self.tail.claims_about(wanted, after=position)
