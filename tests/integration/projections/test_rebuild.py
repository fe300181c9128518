"""Rebuilding a view from the log yields the same view, under the same names,
while commands keep arriving."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.vocabulary import Priority, ProblemCategory
from projections.engine.rebuild import rebuild_view
from projections.engine.registry import build_views, view_factories
from projections.engine.runner import ViewRunner

from ..reports import AGENT, new_report

pytestmark = pytest.mark.postgres


def table_rows(url: str, table: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT * FROM views.{table} ORDER BY 1, 2, 3").fetchall()


def index_names(url: str, table: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'views' AND tablename = %s",
            (table,),
        ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def caught_up(ledger: ClaimsLedger) -> ViewRunner:
    for _ in range(3):
        claim_id = ledger.report(AGENT, **new_report()).claim_id
        ledger.command(
            Claim.classify,
            claim_id,
            AGENT,
            problem_category=ProblemCategory.PRODUCT_FAULT,
            priority=Priority.HIGH,
        )
        ledger.command(Claim.add_note, claim_id, AGENT, text="called")
    runner = ViewRunner(ledger, build_views(ledger))
    runner.catch_up()
    return runner


@pytest.mark.parametrize("name", ["claims", "audit", "trace", "sla", "costs"])
def test_a_rebuilt_view_equals_the_live_one_with_the_same_index_names(
    name: str, ledger: ClaimsLedger, caught_up: ViewRunner, migrated_url: str
) -> None:
    make_view = view_factories(ledger)[name]
    tables = make_view("views").tables
    before = {t: table_rows(migrated_url, t) for t in tables}
    indexes = {t: index_names(migrated_url, t) for t in tables}
    position = rebuild_view(ledger, make_view)
    assert position == caught_up.head()
    assert {t: table_rows(migrated_url, t) for t in tables} == before
    assert {t: index_names(migrated_url, t) for t in tables} == indexes
    assert caught_up.positions()[name] == position


def test_storage_options_survive_a_rebuild(
    ledger: ClaimsLedger, caught_up: ViewRunner, migrated_url: str
) -> None:
    query = "SELECT reloptions FROM pg_class WHERE oid = 'views.trace_items'::regclass"
    with psycopg.connect(migrated_url) as conn:
        before = conn.execute(query).fetchone()
    rebuild_view(ledger, view_factories(ledger)["trace"])
    with psycopg.connect(migrated_url) as conn:
        assert conn.execute(query).fetchone() == before


def test_recorded_breaches_survive_a_rebuild(
    ledger: ClaimsLedger, caught_up: ViewRunner, migrated_url: str
) -> None:
    with psycopg.connect(migrated_url) as conn:
        claim_id, clock, run = conn.execute(
            "UPDATE views.sla_clocks SET breach_recorded_at = now(), escalation = 'off' "
            "WHERE (claim_id, clock, run) = "
            "(SELECT claim_id, clock, run FROM views.sla_clocks LIMIT 1) "
            "RETURNING claim_id, clock, run"
        ).fetchone()
    rebuild_view(ledger, view_factories(ledger)["sla"])
    with psycopg.connect(migrated_url) as conn:
        kept = conn.execute(
            "SELECT escalation FROM views.sla_clocks WHERE claim_id = %s AND clock = %s "
            "AND run = %s AND breach_recorded_at IS NOT NULL",
            (claim_id, clock, run),
        ).fetchone()
    assert kept == ("off",)


def test_commands_during_a_rebuild_are_all_in_the_rebuilt_view(
    ledger: ClaimsLedger, caught_up: ViewRunner, migrated_url: str
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    live = threading.Thread(target=caught_up.run_forever, kwargs={"poll_seconds": 0.2})
    live.start()
    writer_done = threading.Event()

    def write() -> None:
        for n in range(30):
            ledger.command(Claim.add_note, claim_id, AGENT, text=f"during rebuild {n}")
        writer_done.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        rebuild_view(ledger, view_factories(ledger)["audit"], batch_size=50)
        writer.join()
        head = caught_up.head()
        caught_up.catch_up()
    finally:
        caught_up.stop()
        live.join(timeout=5)
    with psycopg.connect(migrated_url) as conn:
        versions = conn.execute(
            "SELECT version FROM views.audit_trail WHERE claim_id = %s ORDER BY version",
            (claim_id,),
        ).fetchall()
    assert [v[0] for v in versions] == list(range(1, 32))
    assert caught_up.positions()["audit"] >= head
