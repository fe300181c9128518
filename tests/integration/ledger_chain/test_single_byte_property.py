"""Property: any single-byte change to any stored row (event or snapshot) is found, where it is."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.application import ClaimsLedger
from tests.integration.ledger_chain.conftest import (
    checkpoint,
    stored,
    tables,
    verify,
    write_claims,
)
from tests.support.tampering import triggers_off

COLUMNS = ["state", "topic", "originator_id", "originator_version"]


def changed(value: Any, column: str, index: int, flip: int) -> Any:
    """``value`` with one byte changed (topics stay text: one character replaced)."""
    if column == "state":
        raw = bytearray(value)
        raw[index % len(raw)] ^= flip
        return bytes(raw)
    if column == "topic":
        at = index % len(value)
        shift = 1 + flip % 93  # 1..93: never the same printable character again
        replacement = chr(33 + (ord(value[at]) - 33 + shift) % 94)
        return value[:at] + replacement + value[at + 1 :]
    if column == "originator_id":
        raw = bytearray(value.bytes)
        raw[index % 16] ^= flip
        return UUID(bytes=bytes(raw))
    raw = bytearray(value.to_bytes(8, "big", signed=True))
    raw[index % 8] ^= flip
    return int.from_bytes(raw, "big", signed=True)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    row=st.integers(0, 12),
    column=st.sampled_from(COLUMNS),
    index=st.integers(0, 200),
    flip=st.integers(1, 255),
)
def test_every_single_byte_change_is_found_at_its_row(
    ledger: ClaimsLedger,
    conn: psycopg.Connection[Any],
    row: int,
    column: str,
    index: int,
    flip: int,
) -> None:
    if conn.execute("SELECT count(*) FROM ledger.chain").fetchone() == (0,):
        claims = write_claims(ledger)
        ledger.snapshots.recorder.insert_events([stored(claims[0], 4)])  # type: ignore[union-attr]
        checkpoint(conn, ledger, max_events=5)
    is_snapshot = row == 12
    table = tables(ledger).snapshots if is_snapshot else tables(ledger).events
    key = "TRUE" if is_snapshot else f"notification_id = {row + 1}"  # one snapshot row
    original = conn.execute(f"SELECT {column} FROM {table} WHERE {key}").fetchone()[0]  # type: ignore[index]
    try:
        with triggers_off(conn):
            conn.execute(
                f"UPDATE {table} SET {column} = %s WHERE {key}",
                (changed(original, column, index, flip),),
            )
    except psycopg.errors.UniqueViolation:
        assume(False)  # the change would collide with another row's key: not storable
    try:
        fault = verify(conn, ledger).fault
        assert fault is not None
        if is_snapshot:
            assert fault.kind.value.startswith("snapshot")
        else:
            assert fault.position == row + 1
    finally:
        with triggers_off(conn):
            conn.execute(f"UPDATE {table} SET {column} = %s WHERE {key}", (original,))
