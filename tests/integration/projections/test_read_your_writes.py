"""Waiting for the views to reach a command's ledger position."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from domain.application import ClaimsLedger
from projections.engine.runner import ViewRunner
from projections.engine.watcher import PositionWatcher

from ..reports import AGENT, new_report
from .recording_view import RecordingView, applied

pytestmark = pytest.mark.postgres


@pytest.fixture
def live(ledger: ClaimsLedger, migrated_url: str) -> Iterator[tuple[ViewRunner, PositionWatcher]]:
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        RecordingView.create(conn.cursor())
    view = RecordingView(f"rec-{uuid.uuid4().hex[:8]}")
    runner = ViewRunner(ledger, [view])
    thread = threading.Thread(target=runner.run_forever, kwargs={"poll_seconds": 0.5})
    thread.start()
    watcher = PositionWatcher(runner.connect_kwargs(), "public", [view.name]).start()
    yield runner, watcher
    watcher.stop()
    runner.stop()
    thread.join(timeout=5)


def test_a_command_becomes_visible_once_wait_returns(
    ledger: ClaimsLedger, live: tuple[ViewRunner, PositionWatcher], migrated_url: str
) -> None:
    runner, watcher = live
    result = ledger.report(AGENT, **new_report())
    assert watcher.wait(result.position, timeout=5.0)
    with psycopg.connect(migrated_url) as conn:
        assert result.position in applied(conn.cursor(), runner.views[0].name)


def test_waiting_for_a_position_not_yet_written_times_out(
    ledger: ClaimsLedger, live: tuple[ViewRunner, PositionWatcher]
) -> None:
    _, watcher = live
    beyond = (ledger.recorder.max_notification_id() or 0) + 1000
    assert watcher.wait(beyond, timeout=0.2) is False
