"""The batched runner applies every event exactly once, in order, with its position."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from projections.engine.runner import ViewRunner
from projections.engine.tracking import ViewRecorder

from ..reports import AGENT, new_report
from .recording_view import RecordingView, applied

pytestmark = pytest.mark.postgres


@pytest.fixture
def view(migrated_url: str) -> RecordingView:
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        RecordingView.create(conn.cursor())
    return RecordingView(f"rec-{uuid.uuid4().hex[:8]}")


def add_events(ledger: ClaimsLedger, claims: int, notes: int) -> None:
    for _ in range(claims):
        claim_id = ledger.report(AGENT, **new_report()).claim_id
        for n in range(notes):
            ledger.command(Claim.add_note, claim_id, AGENT, text=f"n{n}")


def test_catch_up_applies_every_event_once_and_records_the_head(
    ledger: ClaimsLedger, view: RecordingView, migrated_url: str
) -> None:
    add_events(ledger, claims=3, notes=4)
    runner = ViewRunner(ledger, [view], batch_size=4)
    runner.catch_up()
    head = runner.head()
    with psycopg.connect(migrated_url) as conn:
        assert applied(conn.cursor(), view.name) == list(range(1, head + 1))
    assert runner.positions() == {view.name: head}


def test_a_second_catch_up_applies_only_new_events(
    ledger: ClaimsLedger, view: RecordingView, migrated_url: str
) -> None:
    runner = ViewRunner(ledger, [view], batch_size=5)
    runner.catch_up()
    before = runner.head()
    add_events(ledger, claims=1, notes=2)
    assert runner.catch_up() == 3
    with psycopg.connect(migrated_url) as conn:
        assert applied(conn.cursor(), view.name)[-3:] == [before + 1, before + 2, before + 3]


def test_concurrent_runners_never_apply_an_event_twice(
    ledger: ClaimsLedger, view: RecordingView, migrated_url: str
) -> None:
    add_events(ledger, claims=4, notes=5)
    runners = [ViewRunner(ledger, [view], batch_size=3) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda r: r.catch_up(), runners))
    head = runners[0].head()
    with psycopg.connect(migrated_url) as conn:
        assert applied(conn.cursor(), view.name) == list(range(1, head + 1))


def test_a_runner_with_a_stale_position_applies_nothing(
    ledger: ClaimsLedger, view: RecordingView, migrated_url: str
) -> None:
    add_events(ledger, claims=1, notes=3)
    runner = ViewRunner(ledger, [view], batch_size=2)
    events = runner.run_batch()
    assert events == 2
    # Pretend this runner still believes the view is at 0: the batch must be refused.
    recorder: ViewRecorder = runner.recorder
    stale = [(view, view.name, 0, [])]
    with pytest.raises(Exception, match="is at"):
        recorder.apply_batch(stale)  # type: ignore[arg-type]
    with psycopg.connect(migrated_url) as conn:
        assert applied(conn.cursor(), view.name) == [1, 2]


def test_views_at_different_positions_each_get_what_they_have_not_seen(
    ledger: ClaimsLedger, migrated_url: str, view: RecordingView
) -> None:
    add_events(ledger, claims=1, notes=2)
    ViewRunner(ledger, [view]).catch_up()
    newcomer = RecordingView(f"rec-{uuid.uuid4().hex[:8]}")
    add_events(ledger, claims=1, notes=1)
    ViewRunner(ledger, [view, newcomer], batch_size=7).catch_up()
    with psycopg.connect(migrated_url) as conn:
        head = ledger.recorder.max_notification_id()
        assert applied(conn.cursor(), view.name) == list(range(1, head + 1))
        assert applied(conn.cursor(), newcomer.name) == list(range(1, head + 1))


def analyzed_at(url: str) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT last_analyze FROM pg_stat_user_tables"
            " WHERE schemaname = 'views' AND relname = 'applied_positions'"
        ).fetchone()
    return row[0] if row else None


def test_a_large_catch_up_refreshes_the_views_statistics(
    ledger: ClaimsLedger, view: RecordingView, migrated_url: str
) -> None:
    before = analyzed_at(migrated_url)
    add_events(ledger, claims=2, notes=2)
    applied_events = ViewRunner(ledger, [view], analyze_after=3).catch_up()
    assert applied_events >= 3
    after = analyzed_at(migrated_url)
    assert after is not None and after != before


def test_a_small_catch_up_leaves_the_statistics_to_autovacuum(
    ledger: ClaimsLedger, view: RecordingView, migrated_url: str
) -> None:
    runner = ViewRunner(ledger, [view], analyze_after=1_000_000)
    runner.catch_up()
    before = analyzed_at(migrated_url)
    add_events(ledger, claims=1, notes=1)
    assert runner.catch_up() == 2
    assert analyzed_at(migrated_url) == before
