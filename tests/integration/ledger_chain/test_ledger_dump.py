"""A ledger dump restores byte for byte with the same claim hashes, and any change to it is
refused with nothing stored: a changed, dropped, added or moved row, a foreign signature, a cut
file, events already present."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from domain.integrity.checkpoints import CheckpointBody, sign
from domain.integrity.ledger_dump import DumpRefusedError, trailer_line
from storage.checkpoint_store import latest_checkpoint, write_checkpoints
from storage.dump_restore import restore_dump
from storage.ledger_dump import write_dump
from storage.migrations import migrate
from tests.integration.ledger_chain.conftest import KEY, tables, verify, write_claims
from tests.support.databases import scratch_database, sibling_name
from tests.support.tampering import triggers_off

ROWS = "SELECT originator_id, originator_version, topic, state FROM {} ORDER BY notification_id"
CLAIM_HASHES = (
    "SELECT originator_id, originator_version, event_hash, claim_hash FROM ledger.chain "
    "ORDER BY originator_id, originator_version"
)


@pytest.fixture(scope="module")
def target_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, sibling_name(database_url, "dump_target")) as url:
        migrate(url)
        yield url


@pytest.fixture
def target(target_url: str) -> Iterator[ClaimsLedger]:
    """Another ledger, emptied, into which dumps are restored."""
    restored = ClaimsLedger(env=eventsourcing_env(target_url, pool_size=2))
    with psycopg.connect(target_url, autocommit=True) as conn, triggers_off(conn):
        conn.execute(
            f"TRUNCATE {tables(restored).events}, ledger.chain, ledger.checkpoints RESTART IDENTITY"
        )
    yield restored
    restored.close()


@pytest.fixture
def dump_file(ledger: ClaimsLedger, conn: psycopg.Connection[Any], tmp_path: Path) -> Path:
    """Three claims of four events, interleaved, dumped at a signed checkpoint."""
    write_claims(ledger, claims=3, versions=4)
    write_checkpoints(conn, tables(ledger), KEY)
    signed = latest_checkpoint(conn)
    assert signed is not None
    path = tmp_path / "ledger.dump"
    with path.open("wb") as out:
        assert write_dump(conn, tables(ledger), signed, KEY.public_key(), out) == 12
    return path


def rows_of(url: str, ledger: ClaimsLedger, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query.format(tables(ledger).events)).fetchall()


def test_a_restored_dump_holds_the_same_bytes_and_claim_hashes_after_other_events(
    ledger: ClaimsLedger,
    chain_database_url: str,
    target: ClaimsLedger,
    target_url: str,
    dump_file: Path,
) -> None:
    write_claims(target, claims=1, versions=2)  # the restored rows take the positions after
    assert restore_dump(target, dump_file, KEY.public_key()) == 12
    source_rows = rows_of(chain_database_url, ledger, ROWS)
    assert rows_of(target_url, target, ROWS)[2:] == source_rows
    source_hashes = set(rows_of(chain_database_url, ledger, CLAIM_HASHES))
    assert source_hashes <= set(rows_of(target_url, target, CLAIM_HASHES))
    with psycopg.connect(target_url, autocommit=True) as conn:
        positions = [p for (p,) in conn.execute("SELECT notification_id FROM ledger.chain")]
        assert sorted(positions) == list(range(1, 15))
        assert verify(conn, target).intact


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def change_a_state_byte(rows: list[bytes]) -> list[bytes]:
    position, oid, version, topic, state = json.loads(rows[5])
    changed = bytearray(base64.b64decode(state))
    changed[3] ^= 1
    fields = [position, oid, version, topic, base64.b64encode(changed).decode()]
    return [*rows[:5], json.dumps(fields).encode() + b"\n", *rows[6:]]


def drop_a_middle_row(rows: list[bytes]) -> list[bytes]:
    return [*rows[:4], *rows[5:]]


def drop_a_middle_row_and_its_count(rows: list[bytes]) -> list[bytes]:
    trailer = json.loads(rows[-1])
    trailer["events"] -= 1
    return [*rows[:4], *rows[5:-1], json.dumps(trailer).encode() + b"\n"]


def drop_the_last_row(rows: list[bytes]) -> list[bytes]:
    return [*rows[:-2], rows[-1]]


def swap_two_rows(rows: list[bytes]) -> list[bytes]:
    return [*rows[:3], rows[4], rows[3], *rows[5:]]


def move_a_row_to_another_position(rows: list[bytes]) -> list[bytes]:
    fields = json.loads(rows[-2])
    fields[0] += 1
    return [*rows[:-2], json.dumps(fields).encode() + b"\n", rows[-1]]


def add_a_row(rows: list[bytes]) -> list[bytes]:
    fields = json.loads(rows[-2])
    fields[0], fields[2] = fields[0] + 1, fields[2] + 1
    return [*rows[:-1], json.dumps(fields).encode() + b"\n", rows[-1]]


def resign_with_another_key(rows: list[bytes]) -> list[bytes]:
    trailer = json.loads(rows[-1])
    body = CheckpointBody.parse(trailer["checkpoint"])
    other = Ed25519PrivateKey.generate()
    return [*rows[:-1], trailer_line(sign(body, other), "other", trailer["events"])]


def add_a_field_to_the_trailer(rows: list[bytes]) -> list[bytes]:
    trailer = json.loads(rows[-1])
    trailer["trusted"] = True
    return [*rows[:-1], json.dumps(trailer).encode() + b"\n"]


def add_a_column_to_the_header(rows: list[bytes]) -> list[bytes]:
    header = json.loads(rows[0])
    header["columns"].append("checked")
    return [json.dumps(header).encode() + b"\n", *rows[1:]]


def cut_the_trailer(rows: list[bytes]) -> list[bytes]:
    return rows[:-1]


def put_a_row_after_the_trailer(rows: list[bytes]) -> list[bytes]:
    return [*rows, rows[2]]


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (change_a_state_byte, "hash_mismatch"),
        (drop_a_middle_row, "incomplete"),
        (drop_a_middle_row_and_its_count, "hash_mismatch"),
        (drop_the_last_row, "incomplete"),
        (swap_two_rows, "out_of_order"),
        (move_a_row_to_another_position, "incomplete"),
        (add_a_row, "incomplete"),
        (resign_with_another_key, "untrusted_signature"),
        (add_a_field_to_the_trailer, "bad_trailer"),
        (add_a_column_to_the_header, "bad_header"),
        (cut_the_trailer, "no_trailer"),
        (put_a_row_after_the_trailer, "no_trailer"),
    ],
)
def test_a_changed_dump_is_refused_and_nothing_is_stored(
    target: ClaimsLedger,
    target_url: str,
    dump_file: Path,
    tamper: Callable[[list[bytes]], list[bytes]],
    reason: str,
) -> None:
    dump_file.write_bytes(b"".join(tamper(lines(dump_file))))
    with pytest.raises(DumpRefusedError) as refused:
        restore_dump(target, dump_file, KEY.public_key())
    assert refused.value.reason == reason
    assert rows_of(target_url, target, ROWS) == []


def test_a_dump_signed_by_another_ledger_restores_with_that_ledgers_key(
    target: ClaimsLedger, dump_file: Path
) -> None:
    with pytest.raises(DumpRefusedError) as refused:
        restore_dump(target, dump_file, Ed25519PrivateKey.generate().public_key())
    assert refused.value.reason == "untrusted_signature"
    assert restore_dump(target, dump_file, KEY.public_key()) == 12


def test_restoring_a_dump_twice_is_refused_the_second_time_and_adds_nothing(
    target: ClaimsLedger, target_url: str, dump_file: Path
) -> None:
    restore_dump(target, dump_file, KEY.public_key())
    with pytest.raises(DumpRefusedError) as refused:
        restore_dump(target, dump_file, KEY.public_key())
    assert refused.value.reason == "already_present"
    assert len(rows_of(target_url, target, ROWS)) == 12


def test_a_ledger_whose_rows_no_longer_match_their_checkpoint_is_not_dumped(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any], tmp_path: Path
) -> None:
    write_claims(ledger, claims=2, versions=2)
    write_checkpoints(conn, tables(ledger), KEY)
    with triggers_off(conn):
        conn.execute(f"UPDATE {tables(ledger).events} SET state = 'x' WHERE notification_id = 2")
    signed = latest_checkpoint(conn)
    assert signed is not None
    with (tmp_path / "d").open("wb") as out, pytest.raises(DumpRefusedError) as refused:
        write_dump(conn, tables(ledger), signed, KEY.public_key(), out)
    assert refused.value.reason == "hash_mismatch"
