"""Rows changed behind the ledger's back, straight in SQL, are found and named."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import psycopg

from domain.application import ClaimsLedger
from domain.integrity.faults import FaultKind
from tests.integration.ledger_chain.conftest import (
    TOPIC,
    checkpoint,
    position_of,
    stored,
    tables,
    verify,
    write_claims,
)
from tests.support.tampering import triggers_off


def test_an_untouched_ledger_is_intact_up_to_its_head(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger)
    checkpoint(conn, ledger)
    report = verify(conn, ledger)
    assert report.intact and report.last_good == 12 and report.signed_up_to == 12
    assert report.summary() == f"intact up to position 12, head hash {report.head_hash}"


def test_one_changed_payload_byte_is_reported_as_modified_at_its_position(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger)
    position = position_of(conn, ledger, claims[1], 3)
    with triggers_off(conn):
        conn.execute(
            f"UPDATE {tables(ledger).events} "
            "SET state = set_byte(state, 5, get_byte(state, 5) # 1) WHERE notification_id = %s",
            (position,),
        )
    fault = verify(conn, ledger).fault
    assert fault is not None
    assert (fault.kind, fault.position, fault.claim_id) == (FaultKind.MODIFIED, position, claims[1])


def test_a_deleted_row_is_reported_missing(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger)
    position = position_of(conn, ledger, claims[2], 2)
    with triggers_off(conn):
        conn.execute(f"DELETE FROM {tables(ledger).events} WHERE notification_id = %s", (position,))
    report = verify(conn, ledger)
    assert report.fault is not None
    assert (report.fault.kind, report.fault.position) == (FaultKind.MISSING, position)
    assert report.fault.claim_id == claims[2] and report.last_good == position - 1


def test_two_swapped_rows_are_reported_reordered(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger)
    events = tables(ledger).events
    with triggers_off(conn):
        conn.execute(f"UPDATE {events} SET notification_id = -1 WHERE notification_id = 4")
        conn.execute(f"UPDATE {events} SET notification_id = 4 WHERE notification_id = 7")
        conn.execute(f"UPDATE {events} SET notification_id = 7 WHERE notification_id = -1")
    fault = verify(conn, ledger).fault
    assert fault is not None
    assert (fault.kind, fault.position) == (FaultKind.REORDERED, 4)
    assert "written at position 7" in fault.detail


def test_a_forged_row_inserted_around_the_trigger_is_reported_inserted(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger)
    forged = uuid4()
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # triggers off
        conn.execute(
            f"INSERT INTO {tables(ledger).events} "
            "(originator_id, originator_version, topic, state) VALUES (%s, 1, %s, %s)",
            (forged, TOPIC, stored(forged, 1).state),
        )
    fault = verify(conn, ledger).fault
    assert fault is not None
    assert (fault.kind, fault.position, fault.claim_id) == (FaultKind.INSERTED, 13, forged)


def test_an_event_moved_to_another_claim_is_reported_re_attributed(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger)
    position = position_of(conn, ledger, claims[0], 4)
    other = uuid4()
    with triggers_off(conn):
        conn.execute(
            f"UPDATE {tables(ledger).events} SET originator_id = %s WHERE notification_id = %s",
            (other, position),
        )
    fault = verify(conn, ledger).fault
    assert fault is not None
    assert (fault.kind, fault.position, fault.claim_id) == (
        FaultKind.REATTRIBUTED,
        position,
        claims[0],
    )
    assert str(other) in fault.detail


def test_an_edited_snapshot_is_reported(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger)
    ledger.snapshots.recorder.insert_events([stored(claims[0], 4, "snapshot")])  # type: ignore[union-attr]
    assert verify(conn, ledger).snapshots_checked == 1
    conn.execute(f"UPDATE {tables(ledger).snapshots} SET state = state || '\\x20'::bytea")
    fault = verify(conn, ledger).fault
    assert fault is not None
    assert (fault.kind, fault.claim_id) == (FaultKind.SNAPSHOT_MODIFIED, claims[0])


def test_a_snapshot_slipped_in_around_the_trigger_is_reported_forged(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger)
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(
            f"INSERT INTO {tables(ledger).snapshots} VALUES (%s, 2, %s, %s)",
            (claims[1], TOPIC, b"{}"),
        )
    fault = verify(conn, ledger).fault
    assert fault is not None and fault.kind is FaultKind.SNAPSHOT_FORGED


def test_a_row_rewritten_with_its_chain_recomputed_is_caught_by_the_signed_checkpoint(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger)
    checkpoint(conn, ledger)
    events = tables(ledger).events
    # Someone with full access edits an event and rebuilds the whole chain after it.
    with triggers_off(conn):
        conn.execute(f"UPDATE {events} SET state = '{{}}'::bytea WHERE notification_id = 5")
        conn.execute(f"DROP TRIGGER ledger_chain_append ON {events}")
        conn.execute("DELETE FROM ledger.chain")
        conn.execute(f"SELECT ledger.attach('{events}'::regclass, NULL)")
    fault = verify(conn, ledger).fault
    assert fault is not None
    assert (fault.kind, fault.position) == (FaultKind.CHECKPOINT_MISMATCH, 12)


def test_an_edited_checkpoint_fails_its_signature(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger)
    checkpoint(conn, ledger)
    with triggers_off(conn):
        conn.execute(
            "UPDATE ledger.checkpoints SET body = replace(body, '\"events\":12', '\"events\":11')"
        )
    fault = verify(conn, ledger).fault
    assert fault is not None and fault.kind is FaultKind.BAD_SIGNATURE


def test_a_range_is_checked_from_the_signed_checkpoint_before_it(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=4, versions=5)
    checkpoint(conn, ledger, max_events=8)
    with triggers_off(conn):
        conn.execute(
            f"UPDATE {tables(ledger).events} SET state = '{{}}'::bytea WHERE notification_id = 3"
        )
    report = verify(conn, ledger, from_position=10, to_position=18)
    assert report.intact
    assert (report.from_position, report.to_position, report.checked) == (8, 18, 10)
    assert not verify(conn, ledger, from_position=2, to_position=5).intact
