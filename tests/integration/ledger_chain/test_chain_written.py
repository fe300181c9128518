"""The chain is written by PostgreSQL as events are stored, however they are stored."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.integrity.hashing import ZERO, claim_link, event_hash, log_link
from storage.hash_chain import install_chain
from tests.integration.ledger_chain.conftest import (
    TOPIC,
    stored,
    tables,
    verify,
    write_claims,
)
from tests.support.tampering import triggers_off


def chain_rows(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT notification_id, originator_id, originator_version, event_hash, claim_hash, "
        "log_hash FROM ledger.chain ORDER BY notification_id"
    ).fetchall()


def assert_hashes_as_the_domain_computes(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    log, claims = ZERO, {}
    events = conn.execute(
        f"SELECT notification_id, originator_id, originator_version, topic, state "
        f"FROM {tables(ledger).events} ORDER BY notification_id"
    ).fetchall()
    for (position, claim, version, topic, state), chain in zip(
        events, chain_rows(conn), strict=True
    ):
        digest = event_hash(claim, version, topic, bytes(state))
        claims[claim] = claim_link(claims.get(claim), digest)
        log = log_link(log, position, digest)
        assert chain == (position, claim, version, digest, claims[claim], log)


def test_each_stored_event_gets_the_hashes_the_domain_computes(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=2, versions=2)
    assert_hashes_as_the_domain_computes(ledger, conn)


def test_a_small_save_holding_several_versions_of_one_claim_links_them_in_order(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    first, second = uuid4(), uuid4()
    ledger.recorder.insert_events([stored(first, 1), stored(second, 1), stored(first, 2)])
    ledger.recorder.insert_events([stored(first, 3), stored(first, 4)])
    assert_hashes_as_the_domain_computes(ledger, conn)


def test_a_transaction_saving_several_claims_chains_every_row_in_position_order(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    first, second = uuid4(), uuid4()
    ledger.recorder.insert_events([stored(first, 1), stored(second, 1)])
    ledger.recorder.insert_events(  # more than four rows: chained as one batch
        [stored(first, 2), stored(second, 2), stored(first, 3), stored(second, 3)]
        + [stored(first, 4), stored(second, 4), stored(uuid4(), 1)]
    )
    assert [row[0] for row in chain_rows(conn)] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert verify(conn, ledger).intact


def test_a_bulk_copy_under_the_table_lock_is_chained_like_single_saves(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claim = uuid4()
    events = tables(ledger).events
    with conn.transaction():
        conn.execute(f"LOCK TABLE {events} IN EXCLUSIVE MODE")
        columns = "originator_id, originator_version, topic, state"
        with conn.cursor().copy(f"COPY {events} ({columns}) FROM STDIN") as copy:
            for version in range(1, 51):
                copy.write_row((claim, version, TOPIC, stored(claim, version).state))
    assert len(chain_rows(conn)) == 50
    report = verify(conn, ledger)
    assert report.intact and report.last_good == 50


def test_attaching_chains_the_events_written_before_the_trigger_existed(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=2, versions=2)
    conn.execute(f"DROP TRIGGER ledger_chain_append ON {tables(ledger).events}")
    write_claims(ledger, claims=2, versions=3)
    assert len(chain_rows(conn)) == 4
    assert install_chain(conn, tables(ledger)) == 6
    report = verify(conn, ledger)
    assert report.intact and report.last_good == 10


def test_a_row_at_a_position_below_the_chain_head_is_refused(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=1, versions=3)
    with triggers_off(conn):
        conn.execute(f"DELETE FROM {tables(ledger).events} WHERE notification_id = 2")
    with pytest.raises(psycopg.errors.IntegrityConstraintViolation), conn.transaction():
        conn.execute(f"LOCK TABLE {tables(ledger).events} IN EXCLUSIVE MODE")  # as writers do
        conn.execute(
            f"INSERT INTO {tables(ledger).events} "
            "(notification_id, originator_id, originator_version, topic, state) "
            "VALUES (2, %s, 1, %s, %s)",
            (uuid4(), TOPIC, b"{}"),
        )
