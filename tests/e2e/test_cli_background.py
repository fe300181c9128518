"""``sanbao background``: the views, the SLA sweep and the checkpoints in a process of their own."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.conninfo import make_conninfo

from api.service.bootstrap import open_ledger
from api.settings import Settings
from domain.application import ClaimsLedger
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from tests.integration.reports import AGENT, new_report
from tests.support.databases import scratch_database, sibling_name

from .processes import sanbao, service_env, wait_for

pytestmark = pytest.mark.postgres
STOP_SECONDS = 30  # a bound for a clean stop, not a speed test (CI machines are shared)
PROJECT_SECONDS = 60
RETRYING = "database not ready; retrying"


@pytest.fixture
def database(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, sibling_name(database_url, "background")) as url:
        yield url


def writer(url: str, data_dir: Path) -> ClaimsLedger:
    """Another ledger on the database, as an API worker would be."""
    ledger, _ = open_ledger(Settings(DATABASE_URL=url, data_dir=data_dir))  # type: ignore[call-arg]
    return ledger


def views_reached(ledger: ClaimsLedger, position: int) -> bool:
    positions = ViewRunner(ledger, build_views(ledger)).positions()
    return min(positions.values()) >= position


def test_it_projects_what_another_ledger_writes_and_stops_cleanly_on_sigterm(
    database: str, tmp_path: Path
) -> None:
    process = sanbao("background", env=service_env(database, tmp_path), log=tmp_path / "log")
    ledger = writer(database, tmp_path)
    try:
        position = ledger.report(AGENT, **new_report()).position
        wait_for(lambda: views_reached(ledger, position), PROJECT_SECONDS, "the views")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_SECONDS) == 0
    finally:
        process.kill()
        ledger.close()


def test_it_waits_for_a_database_that_cannot_be_reached_yet(
    database_url: str, tmp_path: Path
) -> None:
    name = sibling_name(database_url, "background_late")
    not_yet = make_conninfo(database_url, dbname=name)
    log = tmp_path / "log"
    process = sanbao("background", env=service_env(not_yet, tmp_path), log=log)
    try:
        wait_for(lambda: log.read_text().count(RETRYING) >= 2, PROJECT_SECONDS, "retries")
        assert process.poll() is None
        with scratch_database(database_url, name) as url:
            ledger = writer(url, tmp_path)
            try:
                position = ledger.report(AGENT, **new_report()).position
                wait_for(lambda: views_reached(ledger, position), PROJECT_SECONDS, "the views")
            finally:
                ledger.close()
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=STOP_SECONDS) == 0
    finally:
        process.kill()


def test_it_stops_while_still_waiting_for_the_database(database_url: str, tmp_path: Path) -> None:
    missing = make_conninfo(database_url, dbname=sibling_name(database_url, "never"))
    log = tmp_path / "log"
    process = sanbao("background", env=service_env(missing, tmp_path), log=log)
    try:
        wait_for(lambda: RETRYING in log.read_text(), PROJECT_SECONDS, "a retry")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_SECONDS) == 0
    finally:
        process.kill()
