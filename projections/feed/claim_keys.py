"""Each claim's number and customer id, which only its first event (Reported) records.

The feed presents every event with them. A page that starts in the middle of the
log names claims reported before it: their Reported events are read in one
statement and remembered (a bounded cache; the numbers never change).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg import sql

from domain.application import ClaimsLedger
from domain.personal_data import DERIVED_PREFIX
from storage.recorder import datastore_of, recorder_of

CACHE_SIZE = 100_000
FIRST_EVENTS = (
    "SELECT originator_id, topic, state FROM {} "
    "WHERE originator_id = ANY(%s) AND originator_version = 1"
)


class ClaimKeys:
    """Claim id → (claim number, customer id), read from the claims' Reported events."""

    def __init__(self, ledger: ClaimsLedger, size: int = CACHE_SIZE) -> None:
        self.ledger = ledger
        self.size = size
        self.known: OrderedDict[UUID, tuple[str, str]] = OrderedDict()
        self.lock = threading.Lock()  # API requests share one feed across threads
        recorder = recorder_of(ledger)
        table = sql.Identifier(recorder.datastore.schema or "public", recorder.events_table_name)
        self.query = sql.SQL(FIRST_EVENTS).format(table)

    def learn(self, claim_id: UUID, reported: Any) -> None:
        """Remembers a claim from its decoded Reported event."""
        number = reported.claim_number
        customer_id = getattr(reported.customer, "customer_id", "") or DERIVED_PREFIX + number
        with self.lock:
            self.known[claim_id] = (number, customer_id)
            self.known.move_to_end(claim_id)
            while len(self.known) > self.size:
                self.known.popitem(last=False)

    def of(self, claim_id: UUID) -> tuple[str, str] | None:
        return self.known.get(claim_id)

    def fetch(self, claim_ids: Collection[UUID]) -> None:
        """Reads the Reported events of the claims not known yet, in one statement."""
        missing = [c for c in set(claim_ids) if c not in self.known]
        if not missing:
            return
        with datastore_of(self.ledger).get_connection() as conn, conn.cursor() as cur:
            rows = cur.execute(self.query, (missing,)).fetchall()
        for row in rows:
            stored = StoredEvent(row["originator_id"], 1, row["topic"], bytes(row["state"]))
            self.learn(row["originator_id"], self.ledger.mapper.to_domain_event(stored))
