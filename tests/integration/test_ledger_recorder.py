"""The ledger's recorder, as the library constructs it from the service's environment."""

from __future__ import annotations

import threading
from uuid import UUID

import pytest
from eventsourcing.postgres import PostgresAggregateRecorder

from domain.application import ClaimsLedger
from domain.claim import Claim
from storage.hash_chain import LedgerTables
from storage.recorder import LedgerRecorder, datastore_of, recorder_of

from .reports import AGENT, new_report

pytestmark = pytest.mark.postgres


def ledger_recorder(ledger: ClaimsLedger) -> LedgerRecorder:
    recorder = recorder_of(ledger)
    assert isinstance(recorder, LedgerRecorder)
    return recorder


def triggers_on(ledger: ClaimsLedger, table: str) -> set[str]:
    with datastore_of(ledger).get_connection() as conn:
        rows = conn.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", (table,)
        ).fetchall()
    return {row["tgname"] for row in rows}


def test_the_library_builds_the_ledger_on_the_ledger_recorder(ledger: ClaimsLedger) -> None:
    assert type(ledger.recorder) is LedgerRecorder
    assert datastore_of(ledger) is ledger_recorder(ledger).datastore


def test_opening_the_ledger_attaches_the_hash_chain_to_events_and_snapshots(
    ledger: ClaimsLedger,
) -> None:
    assert ledger.snapshots is not None
    snapshots = ledger.snapshots.recorder
    assert isinstance(snapshots, PostgresAggregateRecorder)
    assert "ledger_chain_append" in triggers_on(ledger, ledger_recorder(ledger).events_table_name)
    assert "ledger_snapshot_hash" in triggers_on(ledger, snapshots.events_table_name)


def test_concurrent_commands_are_written_by_the_group_commit_and_all_chained(
    ledger: ClaimsLedger,
) -> None:
    recorder = ledger_recorder(ledger)
    claim_ids = [ledger.report(AGENT, **new_report()).claim_id for _ in range(8)]
    saves_before = recorder.group_commit.saves_written

    def note(claim_id: UUID) -> None:
        ledger.command(Claim.add_note, claim_id, AGENT, text="concurrently")

    threads = [threading.Thread(target=note, args=(c,)) for c in claim_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert recorder.group_commit.saves_written - saves_before == len(claim_ids)
    assert all(ledger.get_claim(c).version == 2 for c in claim_ids)
    with datastore_of(ledger).get_connection() as conn:
        unchained = conn.execute(
            f"SELECT count(*) AS n FROM {LedgerTables.of(ledger).events} e "
            "WHERE NOT EXISTS (SELECT 1 FROM ledger.chain c "
            "WHERE c.notification_id = e.notification_id)"
        ).fetchone()
    assert unchained is not None and unchained["n"] == 0


def test_a_ledger_kept_in_memory_has_no_datastore() -> None:
    with pytest.raises(TypeError, match="does not record in PostgreSQL"):
        datastore_of(ClaimsLedger())
