"""Group commit: concurrent saves share one transaction, one table lock, one WAL flush.

The event store serialises every append with a table lock held until commit,
so that events become visible in the order of their positions. Saved one by
one, concurrent commands therefore wait for each other's disk flush. Here the
first thread to reach the writer takes every save queued by then and writes
them in one transaction; the threads whose saves it wrote just collect their
positions. Order and atomicity are those of the event store: each save's
events stay contiguous, and a save either lands whole or not at all.

A save that conflicts (an aggregate version already taken) must not fail the
others: two saves of the same aggregate version in one batch are written in
different batches; an insert that names the taken versions (the service's
one-statement append) fails only those saves and writes the rest at once;
otherwise, when the database refuses a batch, its saves are written again one
transaction each, so each gets its own answer.

A save made for a request under an Idempotency-Key carries the key's ticket: the
insert records the save's positions on the key's row in the batch's transaction
(``storage.idempotency``). A save whose ticket a retry took over is refused
alone, like a taken version, and the rest of the batch is written.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, StoredEvent

from storage.idempotency import IdempotencyTakenOverError, Ticket


@dataclass(frozen=True)
class KeyedSave:
    """Where, among the events handed to an insert, one keyed request's save lies."""

    ticket: Ticket
    first: int
    """0-based index of the save's first event."""
    count: int


class Insert(Protocol):
    """Stores events atomically, returns their positions; IntegrityError if a version is
    taken. With ``keyed`` saves, records their positions on their keys' rows too, or
    raises TicketsLost naming those whose key was taken over."""

    def __call__(
        self, events: Sequence[StoredEvent], keyed: Sequence[KeyedSave] = ()
    ) -> Sequence[int]: ...


class VersionsTaken(IntegrityError):
    """An insert refused because some of its events' aggregate versions are taken."""

    def __init__(self, indexes: Sequence[int]) -> None:
        super().__init__(f"aggregate versions taken at event indexes {list(indexes)}")
        self.indexes = indexes
        """0-based indexes, in the events handed to the insert, of the refused events."""


class TicketsLost(Exception):
    """An insert refused because some keyed saves' keys were taken over by a retry."""

    def __init__(self, indexes: Sequence[int]) -> None:
        super().__init__(f"idempotency keys taken over at keyed saves {list(indexes)}")
        self.indexes = indexes
        """0-based indexes, in the keyed saves handed to the insert, of the refused saves."""


# A transaction of more events than this is split (a very large pipelined
# insert can stall over a Unix socket).
MAX_BATCH_EVENTS = 200


class _PendingSave:
    """One caller's events, waiting for their positions or their error."""

    __slots__ = ("error", "events", "ids", "is_done", "ticket")

    def __init__(self, events: Sequence[StoredEvent], ticket: Ticket | None = None) -> None:
        self.events = events
        self.ticket = ticket
        self.ids: Sequence[int] = ()
        self.error: BaseException | None = None
        self.is_done = False

    def finish(self, ids: Sequence[int] = (), error: BaseException | None = None) -> None:
        self.ids, self.error, self.is_done = ids, error, True

    def keys(self) -> set[tuple[Any, int]]:
        return {(e.originator_id, e.originator_version) for e in self.events}


class GroupCommit:
    """Writes concurrent saves together through one ``insert``, each save getting its answer."""

    def __init__(self, insert: Insert, max_batch_events: int = MAX_BATCH_EVENTS) -> None:
        self.insert = insert
        self._max_batch_events = max_batch_events
        self._queue: list[_PendingSave] = []
        self._changed = threading.Condition()
        self._is_writing = False
        self.batches_written = 0
        self.saves_written = 0

    @property
    def queued_saves(self) -> int:
        """Saves waiting for a writer (not counting those being written)."""
        with self._changed:
            return len(self._queue)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], ticket: Ticket | None = None
    ) -> Sequence[int]:
        """Stores the events atomically (with ``ticket``, on its key's row in the same
        transaction); returns their positions (or raises its error)."""
        pending = _PendingSave(stored_events, ticket)
        with self._changed:
            self._queue.append(pending)
            while not pending.is_done:
                if self._is_writing:
                    self._changed.wait()
                    continue
                self._is_writing = True
                batch = self._take_batch()
                self._changed.release()
                try:
                    self._write(batch)
                finally:
                    self._changed.acquire()
                    self._is_writing = False
                    self._changed.notify_all()
        if pending.error is not None:
            raise pending.error
        return pending.ids

    def _take_batch(self) -> list[_PendingSave]:
        """The queued saves that fit one transaction, without two saves of one version."""
        batch: list[_PendingSave] = []
        deferred: list[_PendingSave] = []
        taken: set[tuple[Any, int]] = set()
        size = 0
        for pending in self._queue:
            keys = pending.keys()
            fits = not batch or size + len(pending.events) <= self._max_batch_events
            if fits and taken.isdisjoint(keys):
                batch.append(pending)
                taken |= keys
                size += len(pending.events)
            else:
                deferred.append(pending)
        self._queue = deferred
        return batch

    def _write(self, batch: list[_PendingSave]) -> None:
        events = [event for pending in batch for event in pending.events]
        keyed = _keyed_saves(batch)
        try:
            ids = list(
                self.insert(events, [save for _, save in keyed]) if keyed else self.insert(events)
            )
        except TicketsLost as lost:
            refused = [keyed[index][0] for index in lost.indexes]
            for pending in refused:
                pending.finish(error=IdempotencyTakenOverError())
            rest = [pending for pending in batch if pending not in refused]
            if rest:
                self._write(rest)
            return
        except VersionsTaken as taken:
            refused = _saves_holding(batch, taken.indexes)
            for pending in refused:
                pending.finish(error=IntegrityError(str(taken)))
            rest = [pending for pending in batch if pending not in refused]
            if rest:
                self._write(rest)
            return
        except IntegrityError as conflict:
            if len(batch) == 1:
                batch[0].finish(error=conflict)
            else:
                for pending in batch:
                    self._write([pending])
            return
        except Exception as error:
            # The database refused or was unreachable: nothing of the batch landed.
            for pending in batch:
                pending.finish(error=error)
            return
        self.batches_written += 1
        self.saves_written += len(batch)
        start = 0
        for pending in batch:
            end = start + len(pending.events)
            pending.finish(ids=ids[start:end])
            start = end


def _keyed_saves(batch: list[_PendingSave]) -> list[tuple[_PendingSave, KeyedSave]]:
    """The batch's saves made under a key, with where their events lie in the batch."""
    keyed: list[tuple[_PendingSave, KeyedSave]] = []
    start = 0
    for pending in batch:
        if pending.ticket is not None:
            keyed.append((pending, KeyedSave(pending.ticket, start, len(pending.events))))
        start += len(pending.events)
    return keyed


def _saves_holding(batch: list[_PendingSave], indexes: Sequence[int]) -> list[_PendingSave]:
    """The saves of ``batch`` holding the events at ``indexes`` (of the batch's events)."""
    refused: list[_PendingSave] = []
    start, wanted = 0, set(indexes)
    for pending in batch:
        end = start + len(pending.events)
        if any(start <= index < end for index in wanted):
            refused.append(pending)
        start = end
    return refused
