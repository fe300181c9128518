"""Keeps views up to date with the ledger, many events per transaction.

The library's runner applies one event per transaction; catching up a large
log that way is slow. This runner reads a page of notifications once, decodes
it once, and hands every view the part it has not seen yet, in one
transaction with their tracking positions. Between pages it waits on the
event store's LISTEN/NOTIFY channel, so new events are applied at once.

A damaged event never stops the views: one that cannot be decoded, or that a
view refuses, is quarantined with its position and fault
(``projections.engine.quarantine``) and the views go on past it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg import sql

from domain.application import ClaimsLedger
from projections.engine.envelope import Envelope
from projections.engine.prefetch import Prefetcher
from projections.engine.quarantine import CONNECTION_ERRORS, DamagedEvent, describe_fault
from projections.engine.tracking import StalePositionError, ViewRecorder
from projections.engine.view import View
from storage.recorder import datastore_of, recorder_of

DEFAULT_BATCH_SIZE = 1000
RECONNECT_SECONDS = 1.0
# Under a stream of commands, new events gather between two catch-ups, so each
# batch (one transaction for all views) carries many: a catch-up costs a dozen
# statements whatever its size (at a fixed 10 ms the views took a third of a core,
# and PostgreSQL more, under 350 commands/s). The wait grows with the size of the
# last catch-up, up to 50 ms: one event after another (a user at work) waits
# 5 ms, a steady stream gathers 50 ms, an event after a quiet spell none.
GATHER_SECONDS_PER_EVENT = 0.005
MAX_GATHER_SECONDS = 0.05
# A catch-up that applied this many events (a first start on a long log, a rebuild,
# a runner that was stopped a while) refreshes the planner's statistics of the views'
# tables at once, rather than leave the pages planned for the tables as they were
# until autovacuum gets to them (ANALYZE samples at most 30,000 rows a table:
# well under a second each). It vacuums them too, which marks the pages just written
# all-visible: until then an index-only scan (a claims page filtered by region and
# model, migration 0028) must visit the heap for every entry it reads, and the
# planner, knowing it, reads every match through a bitmap instead.
ANALYZE_AFTER_EVENTS = 10_000
Progress = Callable[[int, int], None]
Batch = list[Envelope | DamagedEvent]
# A batch that fails for one of these is not retried event by event.
NOT_THE_EVENTS_FAULT: tuple[type[BaseException], ...] = (StalePositionError, *CONNECTION_ERRORS)


class ViewRunner:
    """Applies the ledger's events to a set of views, exactly once, in batches."""

    def __init__(
        self,
        ledger: ClaimsLedger,
        views: Sequence[View],
        batch_size: int = DEFAULT_BATCH_SIZE,
        tracking_suffix: str = "",
        analyze_after: int = ANALYZE_AFTER_EVENTS,
    ) -> None:
        self.ledger = ledger
        self.analyze_after = analyze_after
        self.views = list(views)
        self.batch_size = batch_size
        self.tracking_suffix = tracking_suffix
        datastore = datastore_of(ledger)
        self.recorder = ViewRecorder(datastore)
        self.stopping = threading.Event()

    def tracking_name(self, view: View) -> str:
        return view.name + self.tracking_suffix

    def positions(self) -> dict[str, int]:
        return {v.name: self.recorder.position(self.tracking_name(v)) for v in self.views}

    def head(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def read_batch(self, after: int) -> Batch:
        """The next page of events after a position, decoded (or marked damaged)."""
        notifications = self.ledger.recorder.select_notifications(
            start=after, limit=self.batch_size, inclusive_of_start=False
        )
        to_event = self.ledger.mapper.to_domain_event
        batch: Batch = []
        for notification in notifications:
            try:
                batch.append(Envelope.wrap(notification.id, to_event(notification)))
            except Exception as error:  # whatever an altered row raises: quarantined, not fatal
                batch.append(DamagedEvent(notification.id, describe_fault(error)))
        return batch

    def apply(self, batch: Sequence[Envelope | DamagedEvent], positions: dict[str, int]) -> bool:
        """Applies a batch to each view beyond its position; False if another runner was first.

        A batch a view refuses is applied again one event at a time, quarantining the
        events at fault.
        """
        assignments = []
        for view in self.views:
            seen = positions[view.name]
            events = [e for e in batch if e.position > seen]
            if events:
                assignments.append((view, self.tracking_name(view), seen, events))
        try:
            try:
                self.recorder.apply_batch(assignments)
            except NOT_THE_EVENTS_FAULT:
                raise
            except Exception:  # an event a view refuses: find it, quarantine it, go on
                self.recorder.apply_batch(assignments, isolate=True)
        except StalePositionError:
            return False
        for view, _, _, events in assignments:
            positions[view.name] = events[-1].position
        return True

    def run_batch(self) -> int:
        """Applies the next page of events; returns how many events were read (0 = caught up)."""
        positions = self.positions()
        batch = self.read_batch(min(positions.values(), default=0))
        if batch:
            self.apply(batch, positions)
        return len(batch)

    def catch_up(self, progress: Progress | None = None) -> int:
        """Applies batches until the views reach the head of the log; returns events read.

        The next page is read and decoded in the background while a batch is applied.
        """
        total = 0
        while not self.stopping.is_set():
            positions = self.positions()
            start = min(positions.values(), default=0)
            with Prefetcher(self.read_batch, start, lambda e: e.position) as batches:
                for batch in batches:
                    if self.stopping.is_set() or not self.apply(batch, positions):
                        break  # stopping, or another runner moved on: re-read positions
                    total += len(batch)
                    if progress:
                        progress(total, self.head())
                else:
                    if total >= self.analyze_after:
                        self.analyze()
                    return total
        return total

    def analyze(self) -> None:
        """Vacuums every table of the views and refreshes the planner's statistics (a role
        that does not own a table gets a warning from PostgreSQL and leaves it to
        autovacuum). VACUUM runs outside a transaction: the pool's connections autocommit."""
        with self.recorder.datastore.cursor() as cur:
            for view in self.views:
                for table in view.tables:
                    cur.execute(sql.SQL("VACUUM (ANALYZE) {}").format(view.table(table)))

    def run_forever(self, poll_seconds: float = 5.0) -> None:
        """Catches up, then applies new events as soon as the ledger announces them.

        Survives the database going away: it waits, reconnects and resumes from the
        positions recorded with the views.
        """
        channel = recorder_of(self.ledger).channel_name
        while not self.stopping.is_set():
            try:
                with self._listen_connection() as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                    while not self.stopping.is_set():
                        applied = self.catch_up()
                        caught_up = time.monotonic()
                        for _ in conn.notifies(timeout=poll_seconds, stop_after=1):
                            pass
                        gather = caught_up + gather_seconds(applied) - time.monotonic()
                        if gather > 0 and not self.stopping.wait(gather):
                            for _ in conn.notifies(timeout=0):
                                pass  # announcements of what the next catch-up applies
            except (psycopg.Error, PersistenceError):
                self.stopping.wait(RECONNECT_SECONDS)

    def stop(self) -> None:
        self.stopping.set()

    def connect_kwargs(self) -> dict[str, Any]:
        """The connection arguments of the ledger's pool (host, dbname, user …)."""
        return self.recorder.connect_kwargs()

    def _listen_connection(self) -> psycopg.Connection[Any]:
        return psycopg.connect(autocommit=True, **self.connect_kwargs())


def gather_seconds(applied: int) -> float:
    """How long events gather before the next catch-up, after one that applied ``applied``."""
    return min(MAX_GATHER_SECONDS, GATHER_SECONDS_PER_EVENT * applied)
