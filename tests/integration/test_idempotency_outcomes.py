"""A keyed request's outcome is recorded in its events' transaction: exactly once.

The key's row turns ``committed``, with the events' positions, in the transaction
that appends them (group commit included). A process whose lease a retry took
over records nothing; a request whose first attempt recorded its events records
nothing again. Rows older than the retention count as new and are purged.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from domain.application import ClaimsLedger
from domain.claim import Claim
from storage.event_append import EventAppender
from storage.group_commit import GroupCommit, KeyedSave, TicketsLost
from storage.idempotency import (
    AlreadyRecordedError,
    IdempotencyStore,
    IdempotencyTakenOverError,
    KeyedRequest,
    StoredResponse,
    running_keyed,
)
from storage.recorder import LedgerRecorder, datastore_of

from .reports import AGENT, new_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(ledger: ClaimsLedger) -> IdempotencyStore:
    return IdempotencyStore(datastore_of(ledger), wait_seconds=2, lease_seconds=60)


@pytest.fixture
def appender(ledger: ClaimsLedger) -> EventAppender:
    assert isinstance(ledger.recorder, LedgerRecorder)
    return ledger.recorder.appender


def stored(originator: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id=originator, originator_version=version, topic="t", state=b"{}")


def begun(store: IdempotencyStore, digest: str = "d") -> KeyedRequest:
    outcome = store.attempt("it.user", uuid.uuid4().hex, digest)
    assert isinstance(outcome, KeyedRequest) and outcome.recorded is None
    return outcome


def row(store: IdempotencyStore, keyed: KeyedRequest) -> dict[str, object]:
    with store.datastore.get_connection() as conn:
        found = conn.execute(
            "SELECT state, positions, owner FROM api.idempotency_keys"
            " WHERE user_name = %s AND key = %s",
            (keyed.ticket.user, keyed.ticket.key),
        ).fetchone()
    assert found is not None
    return dict(found)


def expire_lease(store: IdempotencyStore, keyed: KeyedRequest) -> None:
    """As if the request's process had died a lease ago."""
    with store.datastore.get_connection() as conn:
        conn.execute(
            "UPDATE api.idempotency_keys SET lease_until = now() - interval '1 second'"
            " WHERE user_name = %s AND key = %s",
            (keyed.ticket.user, keyed.ticket.key),
        )


def note(ledger: ClaimsLedger, claim_id: UUID, text: str) -> int:
    return ledger.command(Claim.add_note, claim_id, AGENT, text=text).position


def test_a_keyed_commands_events_and_its_pointer_commit_together(
    ledger: ClaimsLedger, store: IdempotencyStore
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    keyed = begun(store)
    with running_keyed(keyed):
        position = note(ledger, claim_id, "keyed")
    assert row(store, keyed)["state"] == "committed"
    assert row(store, keyed)["positions"] == [position]


def test_a_retry_after_the_events_committed_gets_their_positions_and_records_nothing(
    ledger: ClaimsLedger, store: IdempotencyStore
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    first = begun(store)
    with running_keyed(first):
        position = note(ledger, claim_id, "once")
    # The process dies here, before storing its answer; its lease runs out.
    expire_lease(store, first)
    retry = store.attempt(first.ticket.user, first.ticket.key, "d")
    assert isinstance(retry, KeyedRequest) and retry.recorded == (position,)
    with running_keyed(retry), pytest.raises(AlreadyRecordedError):
        note(ledger, claim_id, "once")
    assert [e.event_type for e in ledger.history(claim_id)] == ["Reported", "NoteAdded"]


def test_a_retry_while_the_first_attempt_still_holds_its_lease_rebuilds_at_once(
    ledger: ClaimsLedger, store: IdempotencyStore
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    first = begun(store)
    with running_keyed(first):
        position = note(ledger, claim_id, "first")
    retry = store.attempt(first.ticket.user, first.ticket.key, "d")  # no wait for the lease
    assert isinstance(retry, KeyedRequest) and retry.recorded == (position,)
    store.finish(retry.ticket, StoredResponse(200, {}, b"rebuilt"))  # not its row: no-op
    assert row(store, first)["state"] == "committed"
    store.finish(first.ticket, StoredResponse(200, {}, b"first"))
    assert store.attempt(first.ticket.user, first.ticket.key, "d") == StoredResponse(
        200, {}, b"first"
    )


def test_a_request_whose_key_a_retry_took_over_records_nothing(
    ledger: ClaimsLedger, store: IdempotencyStore
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    slow = begun(store)
    expire_lease(store, slow)  # still running, but past its lease
    retry = store.attempt(slow.ticket.user, slow.ticket.key, "d")
    assert isinstance(retry, KeyedRequest) and retry.recorded is None
    with running_keyed(slow), pytest.raises(IdempotencyTakenOverError):
        note(ledger, claim_id, "slow")
    with running_keyed(retry):
        position = note(ledger, claim_id, "retry")
    assert row(store, retry)["positions"] == [position]
    assert [e.event_type for e in ledger.history(claim_id)] == ["Reported", "NoteAdded"]


def test_a_crash_before_the_events_committed_lets_the_retry_run_once(
    ledger: ClaimsLedger, store: IdempotencyStore
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    first = begun(store)  # the process dies before saving anything
    expire_lease(store, first)
    retry = store.attempt(first.ticket.user, first.ticket.key, "d")
    assert isinstance(retry, KeyedRequest) and retry.recorded is None
    with running_keyed(retry):
        note(ledger, claim_id, "retried")
    store.finish(retry.ticket, StoredResponse(200, {}, b"{}"))
    again = store.attempt(first.ticket.user, first.ticket.key, "d")
    assert again == StoredResponse(200, {}, b"{}")
    assert [e.event_type for e in ledger.history(claim_id)] == ["Reported", "NoteAdded"]


def test_a_lost_key_in_a_batch_refuses_only_its_save(
    ledger: ClaimsLedger, store: IdempotencyStore, appender: EventAppender
) -> None:
    kept, lost = begun(store), begun(store)
    expire_lease(store, lost)
    assert isinstance(store.attempt(lost.ticket.user, lost.ticket.key, "d"), KeyedRequest)
    a, b = uuid4(), uuid4()
    keyed = [KeyedSave(kept.ticket, 0, 2), KeyedSave(lost.ticket, 2, 1)]
    with pytest.raises(TicketsLost) as refused:
        appender([stored(a, 1), stored(a, 2), stored(b, 1)], keyed)
    assert list(refused.value.indexes) == [1]
    assert row(store, kept)["state"] == "running"  # nothing of the batch landed
    positions = appender([stored(a, 1), stored(a, 2)], keyed[:1])
    assert row(store, kept) == {**row(store, kept), "state": "committed", "positions": positions}


def test_group_commit_records_each_keyed_save_on_its_own_row(
    ledger: ClaimsLedger, store: IdempotencyStore, appender: EventAppender
) -> None:
    gate, entered = threading.Event(), threading.Event()

    def gated(events: Sequence[StoredEvent], keyed: Sequence[KeyedSave] = ()) -> Sequence[int]:
        entered.set()
        gate.wait(timeout=10)
        return appender(events, keyed)

    group_commit = GroupCommit(gated)
    requests = [begun(store) for _ in range(3)]
    lost = requests[1]
    expire_lease(store, lost)
    assert isinstance(store.attempt(lost.ticket.user, lost.ticket.key, "d"), KeyedRequest)
    outcomes: dict[int, object] = {}

    def save(index: int, events: list[StoredEvent]) -> threading.Thread:
        def run() -> None:
            try:
                outcomes[index] = list(group_commit.insert_events(events, requests[index].ticket))
            except Exception as error:  # noqa: BLE001 - the outcome under test
                outcomes[index] = error

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    blocker = threading.Thread(target=lambda: group_commit.insert_events([stored(uuid4(), 1)]))
    blocker.start()  # holds the writer at the gate while the keyed saves queue up
    assert entered.wait(5)
    threads = [save(i, [stored(uuid4(), 1), stored(uuid4(), 1)]) for i in range(3)]
    deadline = time.monotonic() + 5
    while group_commit.queued_saves < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    for thread in [blocker, *threads]:
        thread.join(timeout=10)
    assert isinstance(outcomes[1], IdempotencyTakenOverError)
    for index in (0, 2):
        assert row(store, requests[index])["positions"] == outcomes[index]
        assert row(store, requests[index])["state"] == "committed"


def test_a_row_older_than_the_retention_counts_as_new_and_is_purged(
    ledger: ClaimsLedger,
) -> None:
    store = IdempotencyStore(datastore_of(ledger), 2, 60, retention_seconds=3600)
    old = begun(store)
    store.finish(old.ticket, StoredResponse(200, {}, b"first"))
    assert store.attempt(old.ticket.user, old.ticket.key, "d") == StoredResponse(200, {}, b"first")
    with store.datastore.get_connection() as conn:
        conn.execute(
            "UPDATE api.idempotency_keys SET created_at = now() - interval '61 minutes'"
            " WHERE key = %s",
            (old.ticket.key,),
        )
    again = store.attempt(old.ticket.user, old.ticket.key, "another request")
    assert isinstance(again, KeyedRequest) and again.recorded is None
    gone = begun(store)
    with store.datastore.get_connection() as conn:
        conn.execute(
            "UPDATE api.idempotency_keys SET created_at = now() - interval '2 hours'"
            " WHERE key = %s",
            (gone.ticket.key,),
        )
    assert store.purge_expired() >= 1
    with store.datastore.get_connection() as conn:
        keys = {
            r["key"]
            for r in conn.execute(
                "SELECT key FROM api.idempotency_keys WHERE key IN (%s, %s)",
                (old.ticket.key, gone.ticket.key),
            )
        }
    assert keys == {old.ticket.key}
