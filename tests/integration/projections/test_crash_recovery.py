"""A projection process killed with SIGKILL mid catch-up resumes without losing or
repeating anything: after restarts its views equal a clean rebuild."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from projections.engine.rebuild import rebuild_view
from projections.engine.registry import view_factories
from projections.engine.runner import ViewRunner
from storage.migrations import migrate
from tests.support.generate import generate

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.fault]
KILLS = 10


@pytest.fixture
def crash_db(database_url: str) -> Iterator[str]:
    """A database of its own, so the worker's views hold nothing from other tests."""
    name = f"sanbao_crash_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(database_url)
    params["dbname"] = name
    url = make_conninfo(**params)
    migrate(url)
    yield url
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def snapshot_of_views(url: str, ledger: ClaimsLedger) -> dict[str, list[tuple[object, ...]]]:
    tables = [t for v in view_factories(ledger).values() for t in v("views").tables]
    with psycopg.connect(url) as conn:
        return {
            t: conn.execute(f"SELECT * FROM views.{t} ORDER BY 1, 2, 3").fetchall() for t in tables
        }


def progress(runner: ViewRunner) -> int:
    return min(runner.positions().values())


def worker(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "api.cli.main", "projections", "run"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_views_survive_repeated_sigkill_during_catch_up(crash_db: str) -> None:
    ledger = ClaimsLedger(env=eventsourcing_env(crash_db, pool_size=2))
    try:
        for _ in generate(ledger, claims=3000, seed=11):
            pass
        runner = ViewRunner(ledger, [f("views") for f in view_factories(ledger).values()])
        head = runner.head()
        kill_points = sorted(random.Random(5).sample(range(1, head * 9 // 10), KILLS))
        for point in kill_points:
            process = worker(crash_db)
            while progress(runner) < point and process.poll() is None:
                time.sleep(0.005)
            process.send_signal(signal.SIGKILL)
            process.wait()
            assert progress(runner) < head, "the worker finished before it could be killed"
        process = worker(crash_db)
        deadline = time.monotonic() + 120
        while min(runner.positions().values()) < head and time.monotonic() < deadline:
            time.sleep(0.2)
        process.terminate()
        process.wait(timeout=10)
        assert min(runner.positions().values()) == head
        after_crashes = snapshot_of_views(crash_db, ledger)
        for make_view in view_factories(ledger).values():
            rebuild_view(ledger, make_view)
        assert snapshot_of_views(crash_db, ledger) == after_crashes
    finally:
        ledger.close()
