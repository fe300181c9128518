"""The claim-number counters in PostgreSQL: one row per prefix and year, drawn atomically."""

from __future__ import annotations

from eventsourcing.postgres import PostgresDatastore

NEXT_SERIAL = """
INSERT INTO api.claim_number_counters AS c (prefix, year, last) VALUES (%s, %s, 1)
ON CONFLICT (prefix, year) DO UPDATE SET last = c.last + 1
RETURNING last
"""


class PostgresClaimNumbers:
    """``domain.claim_numbers.ClaimNumbers`` on the ledger's pool: concurrent draws never
    share a serial (the row lock of the upsert orders them)."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def next_serial(self, prefix: str, year: int) -> int:
        with self.datastore.get_connection() as conn:
            row = conn.execute(NEXT_SERIAL, (prefix, year)).fetchone()
        assert row is not None  # INSERT … RETURNING returns the row
        return int(row["last"])
