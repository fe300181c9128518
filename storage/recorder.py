"""The ledger's recorder: the library's PostgreSQL recorder, writing the way the ledger needs.

The library constructs it: ``api.settings.eventsourcing_env`` names
``LedgerFactory`` as the persistence module, and the application asks that
factory for its recorders as it asks any other. Compared with the library's
own recorder, ``LedgerRecorder``

- writes concurrent saves in shared transactions (``storage.group_commit``),
- records a keyed request's outcome in its events' transaction (``storage.idempotency``),
- writes each of those transactions as one statement (``storage.event_append``),
- attaches the hash chain to its table when it creates it (``storage.hash_chain``).

The factory attaches the snapshots' hashes once the library created their table.
``datastore_of`` is the one typed way to reach the PostgreSQL datastore under
an application.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import AggregateRecorder, Recorder, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresRecorder,
)

from storage.event_append import EventAppender
from storage.group_commit import GroupCommit
from storage.hash_chain import LedgerTables, install_chain
from storage.idempotency import AlreadyRecordedError, keyed_request

logger = logging.getLogger(__name__)


class LedgerRecorder(PostgresApplicationRecorder):
    """The ledger's events table: group commit, one-statement append, hash chain."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.appender = EventAppender(self)
        self.group_commit = GroupCommit(self.appender)

    def create_table(self) -> None:
        """Creates the table (when missing), the append function and the chain's triggers.

        The chain's own tables and functions come from the migrations, which
        must have run first (``storage.migrations``).
        """
        super().create_table()
        self.appender.install()
        attach_chain(self.datastore, LedgerTables(self.events_table_name, None, _schema(self)))

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Stores one save's events atomically, with the saves of other threads; their positions.

        A save made for a request under an Idempotency-Key is recorded on the key's
        row in the same transaction; a request whose first attempt recorded its
        events records nothing again (AlreadyRecordedError).
        """
        if any(value is not None for value in kwargs.values()):
            # A tracking record (a process application's position): the library's own path.
            positions: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return positions
        keyed = keyed_request()
        if keyed is None:
            return self.group_commit.insert_events(stored_events)
        if keyed.recorded is not None:
            raise AlreadyRecordedError()
        return self.group_commit.insert_events(stored_events, keyed.ticket)


class LedgerFactory(PostgresFactory):
    """The library's PostgreSQL factory, constructing the ledger's recorders."""

    application_recorder_class = LedgerRecorder

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        """The library's recorder; the snapshots' one gets the chain's snapshot hashes."""
        recorder = super().aggregate_recorder(purpose)
        if purpose == "snapshots" and self.env_create_table():
            assert isinstance(recorder, PostgresAggregateRecorder)
            # Named as the library names the application's events table.
            events = (self.env.name.lower() or "stored") + "_events"
            tables = LedgerTables(events, recorder.events_table_name, _schema(recorder))
            attach_chain(self.datastore, tables)
        return recorder


def attach_chain(datastore: PostgresDatastore, tables: LedgerTables) -> None:
    """Attaches the hash chain to the tables (once; chaining events written before)."""
    with datastore.get_connection() as conn:
        chained = install_chain(conn, tables)
    if chained:
        logger.info("hash chain attached; %d earlier events chained", chained)


def recorder_of(application: Application[Any]) -> PostgresApplicationRecorder:
    """The application's recorder, when it records in PostgreSQL (TypeError otherwise)."""
    recorder = application.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        raise TypeError(f"{type(recorder).__name__} does not record in PostgreSQL")
    return recorder


def datastore_of(holder: Application[Any] | Recorder) -> PostgresDatastore:
    """The PostgreSQL datastore under an application or a recorder (TypeError otherwise)."""
    recorder = holder.recorder if isinstance(holder, Application) else holder
    if not isinstance(recorder, PostgresRecorder):
        raise TypeError(f"{type(recorder).__name__} does not record in PostgreSQL")
    return recorder.datastore


def _schema(recorder: PostgresRecorder) -> str:
    return recorder.datastore.schema or "public"
