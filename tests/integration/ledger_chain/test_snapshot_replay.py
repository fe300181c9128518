"""Snapshots the ledger takes match the claim replayed from its events; a rewritten one does not."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.integrity.faults import FaultKind
from storage.snapshot_check import snapshot_replayer
from tests.integration.ledger_chain.conftest import tables, verify
from tests.integration.reports import AGENT, new_report


def claim_with_a_snapshot(ledger: ClaimsLedger) -> UUID:
    """A claim of 50 events: the ledger snapshots it at version 50."""
    claim = ledger.report(AGENT, **new_report()).claim_id
    for n in range(49):
        ledger.command(Claim.add_note, claim, AGENT, text=f"call {n}")
    return claim


def test_a_snapshot_taken_by_the_ledger_matches_its_claims_events(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claim_with_a_snapshot(ledger)
    report = verify(conn, ledger, replay=snapshot_replayer(ledger))
    assert report.intact, report.summary()
    assert report.snapshots_checked == 1


def test_a_snapshot_rewritten_with_its_recorded_hash_differs_from_the_replayed_claim(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claim = claim_with_a_snapshot(ledger)
    snapshots = tables(ledger).snapshots
    with conn.transaction():
        conn.execute(
            f"UPDATE {snapshots} SET state = convert_to("
            "replace(convert_from(state, 'UTF8'), '\"SN-9\"', '\"SN-8\"'), 'UTF8')"
        )
        conn.execute(
            "UPDATE ledger.snapshot_hashes h SET snapshot_hash = ledger.snapshot_digest("
            f"s.originator_id, s.originator_version, s.topic, s.state) FROM {snapshots} s "
            "WHERE s.originator_id = h.originator_id "
            "AND s.originator_version = h.originator_version"
        )
    fault = verify(conn, ledger, replay=snapshot_replayer(ledger)).fault
    assert fault is not None
    assert (fault.kind, fault.claim_id) == (FaultKind.SNAPSHOT_MODIFIED, claim)
    assert "replayed" in fault.detail
