"""The ledger's tables refuse UPDATE, DELETE and TRUNCATE by trigger, even to their owner,
until a role able to do so switches the triggers off (the stated trust boundary)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import psycopg
import pytest

from domain.application import ClaimsLedger
from tests.integration.ledger_chain.conftest import (
    TOPIC,
    checkpoint,
    stored,
    tables,
    verify,
    write_claims,
)
from tests.support.tampering import triggers_off

COLUMN = {"chain": "log_hash", "checkpoints": "body", "verifications": "fault_detail"}


def ledger_tables(ledger: ClaimsLedger) -> list[tuple[str, str]]:
    return [
        (tables(ledger).events, "topic"),
        *[(f"ledger.{name}", column) for name, column in COLUMN.items()],
    ]


@pytest.mark.parametrize("operation", ["UPDATE", "DELETE", "TRUNCATE"])
def test_the_owner_too_is_refused_every_change_while_the_triggers_are_on(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any], operation: str
) -> None:
    write_claims(ledger, claims=1, versions=2)
    checkpoint(conn, ledger)
    verify(conn, ledger)
    for table, column in ledger_tables(ledger):
        statement = {
            "UPDATE": f"UPDATE {table} SET {column} = {column}",
            "DELETE": f"DELETE FROM {table}",
            "TRUNCATE": f"TRUNCATE {table}",
        }[operation]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement)
    counts = [
        conn.execute(f"SELECT count(*) FROM {t}").fetchone() for t, _ in ledger_tables(ledger)
    ]
    assert counts == [(2,), (2,), (1,), (1,)]


def test_appends_go_on_and_a_superuser_with_the_triggers_off_is_not_refused(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=1, versions=2)
    write_claims(ledger, claims=1, versions=1)
    with triggers_off(conn):
        conn.execute(f"DELETE FROM {tables(ledger).events} WHERE notification_id = 3")
    assert not verify(conn, ledger).intact  # the trust boundary: found, not prevented


def plain_insert(ledger: ClaimsLedger) -> str:
    """An INSERT of one event row by hand, as a role able to write the table could run it."""
    return (
        f"INSERT INTO {tables(ledger).events} (originator_id, originator_version, topic, state) "
        "VALUES (%s, 1, %s, %s)"
    )


def test_a_plain_insert_without_the_writers_lock_is_refused(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=1, versions=2)
    forged = uuid4()
    insert = plain_insert(ledger)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="EXCLUSIVE lock"):
        conn.execute(insert, (forged, TOPIC, stored(forged, 1).state))
    assert verify(conn, ledger).last_good == 2
    # The stated limit: one that takes the lock first, as the ledger's writers do, is chained.
    with conn.transaction():
        conn.execute(f"LOCK TABLE {tables(ledger).events} IN EXCLUSIVE MODE")
        conn.execute(insert, (forged, TOPIC, stored(forged, 1).state))
    assert verify(conn, ledger).intact


def test_a_writers_lock_setting_left_by_an_earlier_transaction_does_not_pass_for_the_lock(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    """The ledger's append names its transaction in ledger.writers_lock after taking the
    lock, sparing the trigger a read of pg_locks; a value naming another transaction (here
    set for the whole session) does not, and the plain INSERT is refused as before."""
    write_claims(ledger, claims=1, versions=1)
    conn.execute("SELECT set_config('ledger.writers_lock', pg_current_xact_id()::text, false)")
    forged = uuid4()
    insert = plain_insert(ledger)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="EXCLUSIVE lock"):
        conn.execute(insert, (forged, TOPIC, stored(forged, 1).state))
    assert verify(conn, ledger).intact


def test_an_insert_naming_its_transaction_as_a_writer_without_the_lock_takes_it_and_is_chained(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    """ledger.writers_lock spares the trigger a read of pg_locks, never the lock: written
    by hand without the lock, the trigger takes it before chaining, as a writer would."""
    write_claims(ledger, claims=1, versions=2)
    forged = uuid4()
    events = tables(ledger).events
    with conn.transaction():
        conn.execute("SELECT set_config('ledger.writers_lock', pg_current_xact_id()::text, true)")
        conn.execute(plain_insert(ledger), (forged, TOPIC, stored(forged, 1).state))
        held = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass "
            "AND pid = pg_backend_pid() AND mode = 'ExclusiveLock' AND granted",
            (events,),
        ).fetchone()
    assert held == (1,)
    report = verify(conn, ledger)
    assert report.intact and report.last_good == 3
