"""How far each outlet (a NATS JetStream stream) has published the ledger: ``outlets.positions``."""

from __future__ import annotations

from eventsourcing.postgres import PostgresDatastore

READ = "SELECT position FROM outlets.positions WHERE outlet = %s"
WRITE = """
INSERT INTO outlets.positions (outlet, position) VALUES (%s, %s)
ON CONFLICT (outlet) DO UPDATE
   SET position = greatest(outlets.positions.position, EXCLUDED.position), updated_at = now()
"""


class PublishPositions:
    """Reads and advances outlets' published positions (a position never moves back)."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def position(self, outlet: str) -> int:
        """The last position the outlet acknowledged; 0 for an outlet never seen."""
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            row = cur.execute(READ, (outlet,)).fetchone()
        return int(row["position"]) if row else 0

    def advance(self, outlet: str, position: int) -> None:
        """Records that the outlet acknowledged every event up to ``position``."""
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            cur.execute(WRITE, (outlet, position))
