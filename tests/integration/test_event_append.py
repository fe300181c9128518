"""The one-statement append: positions in order, conflicts refused whole, the log announced."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.application import ClaimsLedger
from domain.claim import Claim
from storage.event_append import EventAppender
from storage.group_commit import GroupCommit, VersionsTaken
from storage.recorder import LedgerRecorder, recorder_of

from .reports import AGENT, new_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def appender(ledger: ClaimsLedger) -> EventAppender:
    """The ledger recorder's appender (its function installed when the ledger opened)."""
    assert isinstance(ledger.recorder, LedgerRecorder)
    appender = ledger.recorder.appender
    appender.install()  # a second start finds it there
    return appender


def stored(originator: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id=originator, originator_version=version, topic="t", state=b"{}")


def test_a_batch_gets_consecutive_positions_in_its_order(
    ledger: ClaimsLedger, appender: EventAppender
) -> None:
    a, b = uuid4(), uuid4()
    positions = appender([stored(a, 1), stored(b, 1), stored(a, 2)])
    assert positions == list(range(positions[0], positions[0] + 3))
    rows = ledger.recorder.select_notifications(positions[0], 3)
    assert [(r.originator_id, r.originator_version) for r in rows] == [(a, 1), (b, 1), (a, 2)]


def test_a_taken_version_refuses_the_whole_batch(
    ledger: ClaimsLedger, appender: EventAppender
) -> None:
    a, b = uuid4(), uuid4()
    appender([stored(a, 1)])
    head = ledger.recorder.max_notification_id()
    with pytest.raises(VersionsTaken) as taken:
        appender([stored(b, 1), stored(a, 1)])
    assert taken.value.indexes == [1]
    assert isinstance(taken.value, IntegrityError)
    assert ledger.recorder.max_notification_id() == head
    assert list(ledger.recorder.select_events(b)) == []


def test_an_append_is_announced_to_listeners(
    ledger: ClaimsLedger, appender: EventAppender, database_url: str
) -> None:
    channel = recorder_of(ledger).channel_name
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute(f"LISTEN {channel}")
        appender([stored(uuid4(), 1)])
        announced = list(listener.notifies(timeout=5, stop_after=1))
    assert [n.channel for n in announced] == [channel]


def test_the_ledger_commands_through_the_appender(
    ledger: ClaimsLedger, appender: EventAppender
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    result = ledger.command(Claim.add_note, claim_id, AGENT, text="through one statement")
    assert result.version == 2
    assert result.position == ledger.recorder.max_notification_id()
    assert ledger.history(claim_id)[-1].data["text"] == "through one statement"


def test_a_stale_save_in_a_batch_fails_alone_and_the_others_land_in_one_more_statement(
    ledger: ClaimsLedger, appender: EventAppender
) -> None:
    taken, first, fresh = uuid4(), uuid4(), [uuid4(), uuid4()]
    appender([stored(taken, 1)])
    gate, entered, calls = threading.Event(), threading.Event(), []

    def gated(events: Sequence[StoredEvent]) -> Sequence[int]:
        calls.append(len(events))
        entered.set()
        gate.wait(timeout=10)
        return appender(events)

    group_commit = GroupCommit(gated)
    outcomes: dict[str, object] = {}

    def save(name: str, events: list[StoredEvent]) -> threading.Thread:
        def run() -> None:
            try:
                outcomes[name] = list(group_commit.insert_events(events))
            except IntegrityError as refused:
                outcomes[name] = refused

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    threads = [save("first", [stored(first, 1)])]
    assert entered.wait(timeout=10)
    threads += [
        save("fresh", [stored(fresh[0], 1)]),
        save("stale", [stored(taken, 1)]),
        save("two", [stored(fresh[1], 1), stored(fresh[1], 2)]),
    ]
    deadline = time.monotonic() + 10
    while group_commit.queued_saves < 3 and time.monotonic() < deadline:
        time.sleep(0.001)
    gate.set()
    for thread in threads:
        thread.join(timeout=10)

    assert calls == [1, 4, 3]  # the first; the batch of three, refused; the two fresh saves
    assert isinstance(outcomes["stale"], IntegrityError)
    assert [len(outcomes[n]) for n in ("first", "fresh", "two")] == [1, 1, 2]  # type: ignore[arg-type]
    assert len(list(ledger.recorder.select_events(fresh[1]))) == 2
