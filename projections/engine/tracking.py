"""Exactly-once application of event batches: view changes and position in one transaction.

Extends the library's ``PostgresTrackingRecorder`` (single-row tracking: one
row per view holding the last applied ledger position). A batch is applied
under a per-view advisory lock, after re-reading the position inside the
transaction: a runner that read a stale position applies nothing, so two
runners (or a crashed and restarted one) can never apply an event twice.

An event that cannot be decoded, or that a view refuses, is quarantined
(``projections.engine.quarantine``) in the same transaction: the view moves past
it and goes on. A refused batch is applied again one event at a time, each in a
savepoint, to find the events at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor, sql

from projections.engine.envelope import Envelope
from projections.engine.quarantine import (
    CONNECTION_ERRORS,
    DamagedEvent,
    describe_fault,
    quarantine,
)
from projections.engine.view import View

TRACKING_TABLE = "view_positions"
VIEWS_CHANNEL = "sanbao_views"


class StalePositionError(Exception):
    """Raised inside a batch when another runner moved the view on first."""


class ViewRecorder(PostgresTrackingRecorder):
    """Records view changes together with the view's tracking position."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        super().__init__(datastore, tracking_table_name=TRACKING_TABLE)
        self.create_table()

    def create_table(self) -> None:
        """Creates (or migrates) the positions table, one process at a time.

        Processes that start together (``sanbao serve``'s workers and its background
        process) would otherwise run the library's creation at the same moment, and
        the loser fails ("type already exists", or on the library's migration
        record) instead of finding the table. A session lock, held on a connection
        of its own while the library works on others, makes the later one find
        what the first committed. The lock's connection is not the pool's: a pool
        of one would otherwise wait for itself.
        """
        with psycopg.connect(autocommit=True, **self.connect_kwargs()) as lock:
            lock.execute("SELECT pg_advisory_lock(hashtext(%s))", (TRACKING_TABLE,))
            super().create_table()  # the lock ends with its connection

    def connect_kwargs(self) -> dict[str, Any]:
        """The connection arguments of the datastore's pool (host, dbname, user …)."""
        kwargs = self.datastore.pool.kwargs
        if callable(kwargs):  # psycopg_pool also accepts a function returning them
            kwargs = kwargs()
        return dict(kwargs or {})

    def position(self, tracking_name: str) -> int:
        """The last ledger position applied to the view (0 when none)."""
        return self.max_tracking_id(tracking_name) or 0

    def positions(self) -> dict[str, int]:
        """Every tracked view's position."""
        statement = sql.SQL("SELECT application_name, notification_id FROM {}.{}").format(
            sql.Identifier(self.datastore.schema), sql.Identifier(TRACKING_TABLE)
        )
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            rows = cur.execute(statement).fetchall()
        return {r["application_name"]: r["notification_id"] for r in rows}

    def apply_batch(
        self,
        assignments: Sequence[tuple[View, str, int, Sequence[Envelope | DamagedEvent]]],
        isolate: bool = False,
    ) -> None:
        """Applies each (view, tracking name, expected position, events) in one transaction.

        Undecodable events are quarantined. With ``isolate``, each event is applied in a
        savepoint of its own and those a view refuses are quarantined too; without it, a
        refusal rolls everything back and raises. Raises StalePositionError (and rolls
        everything back) if any view is no longer at the expected position.
        """
        with self.datastore.transaction(commit=True) as cur:
            for view, tracking_name, expected, events in sorted(assignments, key=lambda a: a[1]):
                self.lock_view(cur, tracking_name)
                current = self._max_tracking_id(tracking_name, cur) or 0
                if current != expected:
                    raise StalePositionError(f"{tracking_name} is at {current}, not {expected}")
                apply_events(cur, view, tracking_name, events, isolate)
                self._insert_tracking(cur, Tracking(tracking_name, events[-1].position))
            cur.execute(sql.SQL("NOTIFY {}").format(sql.Identifier(VIEWS_CHANNEL)))

    @staticmethod
    def lock_view(cur: Cursor[Any], tracking_name: str) -> None:
        """Serialises writers of one view until the transaction ends."""
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ("sanbao-view:" + tracking_name,))

    def set_position(self, cur: Cursor[Any], tracking_name: str, position: int) -> None:
        """Sets a view's position outright (used when a rebuilt view is swapped in)."""
        statement = sql.SQL(
            "INSERT INTO {}.{} VALUES (%s, %s) ON CONFLICT (application_name) "
            "DO UPDATE SET notification_id = EXCLUDED.notification_id"
        ).format(sql.Identifier(self.datastore.schema), sql.Identifier(TRACKING_TABLE))
        cur.execute(statement, (tracking_name, position))

    def forget(self, cur: Cursor[Any], tracking_name: str) -> None:
        statement = sql.SQL("DELETE FROM {}.{} WHERE application_name = %s").format(
            sql.Identifier(self.datastore.schema), sql.Identifier(TRACKING_TABLE)
        )
        cur.execute(statement, (tracking_name,))


def apply_events(
    cur: Cursor[Any],
    view: View,
    tracking_name: str,
    events: Sequence[Envelope | DamagedEvent],
    isolate: bool,
) -> None:
    """Applies the decoded events to the view, quarantining the undecodable ones.

    With ``isolate``, one event at a time in a savepoint: an event the view refuses
    leaves nothing behind and is quarantined instead. A lost connection is never the
    event's fault and is raised.
    """
    decoded = []
    for event in events:
        if isinstance(event, DamagedEvent):
            quarantine(cur, event.position, tracking_name, event.fault)
        else:
            decoded.append(event)
    if not isolate:
        if decoded:
            view.apply(cur, decoded)
        return
    for envelope in decoded:
        try:
            with cur.connection.transaction():
                view.apply(cur, [envelope])
        except CONNECTION_ERRORS:
            raise
        except Exception as error:  # whatever the event makes the view raise: not fatal
            quarantine(cur, envelope.position, tracking_name, describe_fault(error))
