"""Checkpoints: signed stretches of bounded size, never over a tampered stretch; the status."""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr

from api.service.ledger_integrity import LedgerIntegrity
from api.settings import Settings
from domain.application import ClaimsLedger
from domain.integrity.checkpoints import CheckpointBody
from domain.integrity.faults import FaultKind, LedgerIntegrityError, NothingSignedError
from storage.checkpoint_store import write_checkpoints
from storage.integrity_status import latest_integrity_status
from tests.integration.ledger_chain.conftest import (
    KEY,
    tables,
    verify,
    write_claims,
)
from tests.support.tampering import triggers_off


def bodies(conn: psycopg.Connection[Any]) -> list[CheckpointBody]:
    rows = conn.execute("SELECT body FROM ledger.checkpoints ORDER BY seq").fetchall()
    return [CheckpointBody.parse(text) for (text,) in rows]


def test_checkpoints_cover_the_log_in_linked_stretches_of_at_most_n_events(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=3, versions=4)
    written = write_checkpoints(conn, tables(ledger), KEY, max_events=5)
    assert [(b.from_position, b.position, b.events) for b in written] == [
        (0, 5, 5),
        (5, 10, 5),
        (10, 12, 2),
    ]
    assert written[1].previous == written[0].digest()
    assert bodies(conn) == written


def test_nothing_new_means_no_new_checkpoint(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=1, versions=2)
    assert len(write_checkpoints(conn, tables(ledger), KEY)) == 1
    assert write_checkpoints(conn, tables(ledger), KEY) == []


def test_a_tampered_stretch_is_never_signed(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=2, versions=2)
    with triggers_off(conn):
        conn.execute(f"DELETE FROM {tables(ledger).events} WHERE notification_id = 3")
    with pytest.raises(LedgerIntegrityError) as refused:
        write_checkpoints(conn, tables(ledger), KEY)
    assert (refused.value.fault.kind, refused.value.fault.position) == (FaultKind.MISSING, 3)
    assert bodies(conn) == []


def test_the_status_shows_the_head_the_last_checkpoint_and_the_last_run(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    write_claims(ledger, claims=2, versions=2)
    write_checkpoints(conn, tables(ledger), KEY)
    report = verify(conn, ledger)
    status = latest_integrity_status(conn)
    assert (status.head_position, status.head_hash) == (4, report.head_hash)
    assert (status.checkpoint_seq, status.checkpoint_position) == (1, 4)
    assert status.last_verification is not None
    assert status.last_verification.intact and status.last_verification.last_good == 4


def test_the_status_of_a_failed_run_names_the_fault(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger, claims=2, versions=2)
    with triggers_off(conn):
        conn.execute(
            f"UPDATE {tables(ledger).events} SET state = '{{}}'::bytea WHERE notification_id = 2"
        )
    verify(conn, ledger)
    last = latest_integrity_status(conn).last_verification
    assert last is not None and not last.intact
    assert (last.fault_kind, last.fault_position, last.fault_claim) == ("modified", 2, claims[1])


def test_the_service_signs_at_start_up_before_its_first_interval(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any], chain_database_url: str, tmp_path: Path
) -> None:
    write_claims(ledger, claims=2, versions=3)
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=chain_database_url,
        ledger_signing_key=SecretStr(base64.b64encode(KEY.private_bytes_raw()).decode()),
        checkpoint_seconds=3600,
        data_dir=tmp_path,
    )
    stopping = threading.Event()
    stopping.set()  # stops at the first interval: only the start-up signing runs
    LedgerIntegrity(ledger, settings).run_checkpoints(stopping)
    assert [(b.seq, b.position) for b in bodies(conn)] == [(1, 6)]


def test_an_empty_ledger_has_no_signed_head(
    ledger: ClaimsLedger, chain_database_url: str, tmp_path: Path
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=chain_database_url,
        ledger_signing_key=SecretStr(base64.b64encode(KEY.private_bytes_raw()).decode()),
        data_dir=tmp_path,
    )
    with pytest.raises(NothingSignedError, match="nothing is signed yet"):
        LedgerIntegrity(ledger, settings).signed_head()
