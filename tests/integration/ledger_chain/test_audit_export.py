"""Audit exports: the rows matching the filters, cut at the chain head, with its checkpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg.types.json import Jsonb

from domain.application import ClaimsLedger
from projections.audit.audit_export import ExportFilters, ExportHead, export_audit
from projections.audit.audit_queries import AuditRow
from tests.integration.ledger_chain.conftest import checkpoint, write_claims

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


@pytest.fixture
def trail(ledger: ClaimsLedger, conn: psycopg.Connection[Any]) -> None:
    """Six chained events and their audit rows: two claims, two actors, six hours."""
    write_claims(ledger, claims=2, versions=3)
    checkpoint(conn, ledger)
    conn.execute("TRUNCATE views.audit_trail")
    for position in range(1, 7):
        conn.execute(
            "INSERT INTO views.audit_trail VALUES "
            "(%s, %s, %s, %s, 'NoteAdded', %s, 'agent', %s, %s, 'note', %s)",
            (
                position,
                uuid4(),
                f"C-{position % 2}",
                position,
                f"agent-{position % 3}",
                T0,
                T0 + timedelta(hours=position),
                Jsonb({"text": "note"}),
            ),
        )


def export(conn: psycopg.Connection[Any], **filters: Any) -> tuple[ExportHead, list[AuditRow]]:
    head, *rows = export_audit(conn, ExportFilters(**filters))
    assert isinstance(head, ExportHead)
    return head, rows  # type: ignore[return-value]


def test_an_export_names_the_chain_head_and_the_checkpoint_it_was_cut_at(
    trail: None, conn: psycopg.Connection[Any]
) -> None:
    head, rows = export(conn)
    (log_hash,) = conn.execute(
        "SELECT log_hash FROM ledger.chain WHERE notification_id = 6"
    ).fetchone()  # type: ignore[misc]
    assert (head.head_position, head.head_hash) == (6, bytes(log_hash).hex())
    assert (head.checkpoint_seq, head.checkpoint_position) == (1, 6)
    assert head.checkpoint_log_hash == head.head_hash
    assert head.rows == 6 and [row.position for row in rows] == [1, 2, 3, 4, 5, 6]


def test_an_export_keeps_the_rows_of_the_period_the_claim_and_the_actor(
    trail: None, conn: psycopg.Connection[Any]
) -> None:
    _, rows = export(
        conn, recorded_from=T0 + timedelta(hours=2), recorded_to=T0 + timedelta(hours=5)
    )
    assert [row.position for row in rows] == [2, 3, 4]
    _, rows = export(conn, claim_number="C-1", actor="agent-0")
    assert [row.position for row in rows] == [3]


def test_rows_above_the_chain_head_are_left_out(trail: None, conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "INSERT INTO views.audit_trail SELECT position + 100, claim_id, claim_number,"
        " version + 100, event_type, actor, role, occurred_at, recorded_at, summary, payload"
        " FROM views.audit_trail WHERE position = 1"
    )
    head, rows = export(conn)
    assert head.rows == 6 and rows[-1].position == 6
