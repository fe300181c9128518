"""The claims view gives the same rows however the events are batched, replayed or
interrupted, and never trusts a remembered fold the table has moved away from."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import OperationalError
from psycopg import Cursor, sql
from psycopg.rows import dict_row

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import Purchase
from domain.vocabulary import Cause, Priority, ProblemCategory, Remedy, Team
from projections.claims.claims_view import ClaimsView
from projections.engine.envelope import Envelope
from projections.engine.runner import ViewRunner
from projections.engine.view import View
from tests.integration.reports import AGENT, TECH, new_report
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres

Row = dict[str, Any]


@pytest.fixture
def conn(migrated_url: str) -> Iterator[psycopg.Connection[Row]]:
    with psycopg.connect(migrated_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture
def private_schema(conn: psycopg.Connection[Row]) -> Iterator[str]:
    """A schema with an empty copy of views.claims, as a rebuild would write."""
    schema = f"claims_test_{uuid.uuid4().hex[:8]}"
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    conn.execute(
        sql.SQL("CREATE TABLE {}.claims (LIKE views.claims INCLUDING ALL)").format(
            sql.Identifier(schema)
        )
    )
    yield schema
    conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def busy_claim(ledger: ClaimsLedger) -> tuple[UUID, int]:
    """A claim with a dozen events of many kinds; returns its id and first position."""
    bought = business_today() - timedelta(days=5)
    report = new_report(
        purchase=Purchase(purchased_on=bought, delivered_on=bought),
        requested_remedy=Remedy.EXCHANGE,
    )
    result = ledger.report(AGENT, **report)
    claim_id = result.claim_id
    ledger.command(
        Claim.classify,
        claim_id,
        AGENT,
        problem_category=ProblemCategory.PRODUCT_FAULT,
        priority=Priority.HIGH,
    )
    ledger.command(Claim.assign, claim_id, AGENT, team=Team.TECHNICAL_SUPPORT, assignee="li.qiang")
    ledger.command(Claim.acknowledge, claim_id, AGENT, message="on it", promised_by=None)
    ledger.command(
        Claim.diagnose,
        claim_id,
        TECH,
        finding="driver board",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
    )
    ledger.command(Claim.ship_replacement, claim_id, TECH, item_no=1, serial_no="SN-9-R")
    for command, kwargs in [
        (Claim.confirm, {}),
        (Claim.follow_up, {"outcome": "fine"}),
        (Claim.survey, {"score": 5}),
        (Claim.close, {"reason": "exchanged"}),
        (Claim.reopen, {"reason": "flickers again"}),
        (Claim.add_note, {"text": "second look"}),
    ]:
        ledger.command(command, claim_id, AGENT, **kwargs)
    return claim_id, result.position


def run_from(ledger: ClaimsLedger, views: Sequence[View], position: int, size: int) -> None:
    """Runs the views from a ledger position, in batches of ``size``, under a fresh name."""
    runner = ViewRunner(ledger, views, batch_size=size, tracking_suffix=f"-{uuid.uuid4().hex}")
    with runner.recorder.datastore.transaction(commit=True) as cur:
        for view in views:
            runner.recorder.set_position(cur, runner.tracking_name(view), position)
    try:
        runner.catch_up()
    finally:
        with runner.recorder.datastore.transaction(commit=True) as cur:
            for view in views:
                runner.recorder.forget(cur, runner.tracking_name(view))


def row_in(conn: psycopg.Connection[Row], schema: str, claim_id: UUID) -> Row | None:
    query = sql.SQL("SELECT * FROM {}.claims WHERE claim_id = %s").format(sql.Identifier(schema))
    return conn.execute(query, (claim_id,)).fetchone()


def test_batches_of_three_give_the_same_row_as_one_batch(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Row],
    private_schema: str,
) -> None:
    claim_id, first = busy_claim(ledger)
    catch_up(ClaimsView(ledger.mapper))
    run_from(ledger, [ClaimsView(ledger.mapper, schema=private_schema)], first - 1, size=3)
    assert row_in(conn, private_schema, claim_id) == row_in(conn, "views", claim_id)


def test_replaying_the_same_events_changes_nothing(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Row],
) -> None:
    claim_id, first = busy_claim(ledger)
    catch_up(ClaimsView(ledger.mapper))
    before = row_in(conn, "views", claim_id)
    for size in (5, 1000):  # a warm view and misaligned batches, then one cold batch
        run_from(ledger, [ClaimsView(ledger.mapper)], first - 1, size=size)
    assert row_in(conn, "views", claim_id) == before


def test_a_view_rereads_a_claim_another_runner_moved_on(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Row],
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    remembering = ClaimsView(ledger.mapper)
    catch_up(remembering)
    ledger.command(Claim.add_note, claim_id, AGENT, text="seen by another runner only")
    catch_up(ClaimsView(ledger.mapper))
    ledger.command(Claim.assign, claim_id, AGENT, team=Team.SERVICE_DESK, assignee="wang.fang")
    catch_up(remembering)
    row = row_in(conn, "views", claim_id)
    assert row is not None and (row["version"], row["assignee"]) == (3, "wang.fang")


class FailingView(View):
    """A view whose batch always fails for the database's sake, not the events' (a full
    disk), rolling back every view in the transaction."""

    name = f"failing-{uuid.uuid4().hex[:8]}"
    tables = ()

    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        raise psycopg.errors.DiskFull("disk full")


def test_a_rolled_back_batch_is_applied_again_in_full(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Row],
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    view = ClaimsView(ledger.mapper)
    catch_up(view)
    note = ledger.command(Claim.add_note, claim_id, AGENT, text="lost with the batch")
    with pytest.raises(OperationalError, match="disk full"):
        run_from(ledger, [view, FailingView()], note.position - 1, size=1000)
    catch_up(view)
    row = row_in(conn, "views", claim_id)
    assert row is not None and (row["version"], row["position"]) == (2, note.position)


def test_the_default_events_table_is_the_ledgers_own(ledger: ClaimsLedger) -> None:
    assert ClaimsView(ledger.mapper).events_table == ClaimsView.for_ledger(ledger).events_table
