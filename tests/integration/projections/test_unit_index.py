"""The claims about a serial, on PostgreSQL: what the trace view holds plus the log's tail
it has not applied, so a unit's history never misses a recorded claim."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from domain.application import ClaimsLedger
from domain.values import Item
from projections.engine.runner import ViewRunner
from projections.trace.trace_view import TraceView
from projections.units.unit_index import TRACE_VIEW, TraceIndex
from storage.recorder import datastore_of

from ..reports import AGENT, new_report


def report(ledger: ClaimsLedger, serial: str) -> tuple[uuid.UUID, int]:
    item = Item(model="XD-450", category="lighting", serial_no=serial)
    result = ledger.report(AGENT, **new_report(items=(item,)))
    return result.claim_id, result.position


def test_claims_the_view_has_not_applied_yet_are_found_in_the_log(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner]
) -> None:
    serial = f"UI-{uuid.uuid4().hex[:10]}"
    applied, _ = report(ledger, serial)
    runner = catch_up(TraceView())
    pending, pending_at = report(ledger, serial)
    report(ledger, f"UI-{uuid.uuid4().hex[:10]}")  # another unit

    found = TraceIndex(ledger).claims_about({serial})

    assert runner.recorder.position(TRACE_VIEW) < pending_at  # only the log knows it
    assert found == {applied, pending}


def test_the_ledger_reads_a_units_history_through_the_index(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner]
) -> None:
    serial = f"UI-{uuid.uuid4().hex[:10]}"
    first, _ = report(ledger, serial)
    catch_up(TraceView())
    second, _ = report(ledger, serial)
    ledger.claim_finder = TraceIndex(ledger)

    history = ledger.unit_history(serial)

    assert {c.claim_id for c in history.claims} == {first, second}


def test_a_registration_is_stored_and_read_back_on_postgres(ledger: ClaimsLedger) -> None:
    serial = f"UI-{uuid.uuid4().hex[:10]}"
    ledger.register_unit(
        AGENT, serial_no=serial, model="XD-450", purchased_on=date(2026, 1, 10), channel="门店"
    )

    registration = ledger.units.registration(serial)

    assert registration is not None and registration.channel == "门店"
    with datastore_of(ledger).get_connection() as conn:
        row = conn.execute("SELECT count(*) AS n FROM sanbaoledger_units").fetchone()
    assert row is not None and row["n"] >= 1


def test_without_the_views_tables_the_whole_log_is_read(ledger: ClaimsLedger) -> None:
    serial = f"UI-{uuid.uuid4().hex[:10]}"
    claim_id, _ = report(ledger, serial)

    found = TraceIndex(ledger, schema="no_views_here").claims_about({serial})

    assert found == {claim_id}
