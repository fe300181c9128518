"""Group commit: concurrent saves share a transaction, and never share a failure."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder

from storage.group_commit import GroupCommit


class GatedRecorder(POPOApplicationRecorder):
    """The in-memory recorder, holding its first insert until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.calls: list[int] = []

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        self.entered.set()
        self.gate.wait(timeout=10)
        self.calls.append(len(stored_events))
        return super().insert_events(stored_events, **kwargs)

    def group_commit(self, max_batch_events: int = 200) -> GroupCommit:
        """A group commit writing through this recorder."""
        return GroupCommit(lambda events: self.insert_events(events) or (), max_batch_events)


def event(originator: UUID, version: int = 1) -> StoredEvent:
    return StoredEvent(originator_id=originator, originator_version=version, topic="t", state=b"{}")


def save_in_thread(
    recorder: GroupCommit, events: list[StoredEvent], outcomes: dict[int, Any], key: int
) -> threading.Thread:
    def run() -> None:
        try:
            outcomes[key] = list(recorder.insert_events(events))
        except IntegrityError as conflict:
            outcomes[key] = conflict

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_until_queued(recorder: GroupCommit, count: int) -> None:
    deadline = time.monotonic() + 10
    while recorder.queued_saves < count:
        assert time.monotonic() < deadline, "the saves never queued"
        time.sleep(0.001)


def test_saves_queued_behind_a_write_are_written_in_one_transaction() -> None:
    inner = GatedRecorder()
    recorder = inner.group_commit()
    outcomes: dict[int, Any] = {}
    first = save_in_thread(recorder, [event(uuid4())], outcomes, 0)
    assert inner.entered.wait(timeout=10)
    waiting = [
        save_in_thread(recorder, [event(claim), event(claim, 2)], outcomes, n)
        for n, claim in enumerate([uuid4() for _ in range(5)], start=1)
    ]
    wait_until_queued(recorder, 5)
    inner.gate.set()
    for thread in [first, *waiting]:
        thread.join(timeout=10)

    assert inner.calls == [1, 10]
    assert outcomes[0] == [1]
    # Each save's events keep consecutive positions, in the order they were queued.
    assert [outcomes[n] for n in range(1, 6)] == [[2, 3], [4, 5], [6, 7], [8, 9], [10, 11]]


def test_two_saves_of_one_version_are_never_in_one_batch() -> None:
    inner = GatedRecorder()
    recorder = inner.group_commit()
    outcomes: dict[int, Any] = {}
    claim = uuid4()
    first = save_in_thread(recorder, [event(uuid4())], outcomes, 0)
    assert inner.entered.wait(timeout=10)
    racing = [save_in_thread(recorder, [event(claim)], outcomes, n) for n in (1, 2)]
    bystander = save_in_thread(recorder, [event(uuid4())], outcomes, 3)
    wait_until_queued(recorder, 3)
    inner.gate.set()
    for thread in [first, *racing, bystander]:
        thread.join(timeout=10)

    results = [outcomes[1], outcomes[2]]
    assert sum(isinstance(r, IntegrityError) for r in results) == 1
    assert isinstance(outcomes[3], list) and len(outcomes[3]) == 1
    assert inner.max_notification_id() == 3  # the first, one racer, the bystander


def test_a_batch_refused_by_the_store_is_retried_one_save_at_a_time() -> None:
    inner = GatedRecorder()
    taken = uuid4()
    inner.gate.set()
    inner.insert_events([event(taken)])
    inner.gate.clear()
    inner.entered.clear()
    recorder = inner.group_commit()
    outcomes: dict[int, Any] = {}
    first = save_in_thread(recorder, [event(uuid4())], outcomes, 0)
    assert inner.entered.wait(timeout=10)
    stale = save_in_thread(recorder, [event(taken)], outcomes, 1)
    fresh = [save_in_thread(recorder, [event(uuid4())], outcomes, n) for n in (2, 3)]
    wait_until_queued(recorder, 3)
    inner.gate.set()
    for thread in [first, stale, *fresh]:
        thread.join(timeout=10)

    assert isinstance(outcomes[1], IntegrityError)
    assert all(isinstance(outcomes[n], list) and len(outcomes[n]) == 1 for n in (0, 2, 3))
    assert inner.max_notification_id() == 4


def test_a_large_queue_is_split_into_transactions_of_bounded_size() -> None:
    inner = GatedRecorder()
    recorder = inner.group_commit(max_batch_events=4)
    outcomes: dict[int, Any] = {}
    first = save_in_thread(recorder, [event(uuid4())], outcomes, 0)
    assert inner.entered.wait(timeout=10)
    waiting = [
        save_in_thread(recorder, [event(c), event(c, 2), event(c, 3)], outcomes, n)
        for n, c in enumerate([uuid4() for _ in range(3)], start=1)
    ]
    wait_until_queued(recorder, 3)
    inner.gate.set()
    for thread in [first, *waiting]:
        thread.join(timeout=10)

    assert inner.calls == [1, 3, 3, 3]
    assert sorted(p for n in range(4) for p in outcomes[n]) == list(range(1, 11))


def test_an_unreachable_store_fails_every_save_of_the_batch_and_the_next_write_goes_on() -> None:
    class Unreachable(GatedRecorder):
        def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
            super().insert_events([], **kwargs)  # waits at the gate like a slow network
            raise ConnectionError("database unreachable")

    inner = Unreachable()
    recorder = inner.group_commit()
    outcomes: dict[int, Any] = {}

    def save(key: int) -> threading.Thread:
        def run() -> None:
            try:
                outcomes[key] = recorder.insert_events([event(uuid4())])
            except ConnectionError as error:
                outcomes[key] = error

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    first = save(0)
    assert inner.entered.wait(timeout=10)
    others = [save(n) for n in (1, 2)]
    wait_until_queued(recorder, 2)
    inner.gate.set()
    for thread in [first, *others]:
        thread.join(timeout=10)
    assert all(isinstance(outcomes[n], ConnectionError) for n in range(3))
    assert inner.calls == [0, 0]  # the first write, then one for both queued saves
