"""``sanbao serve`` runs the background work in exactly one companion process, which it
restarts when it dies and stops when it stops, however many workers answer requests."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from api.service.bootstrap import open_ledger
from api.settings import Settings
from domain.vocabulary import Role
from storage.recorder import datastore_of
from storage.users import UserStore
from tests.e2e.claims import report_body
from tests.support.databases import scratch_database, sibling_name
from tests.support.private_postgres import free_port

from .processes import answers_ready, companions, is_running, sanbao, service_env, wait_for

pytestmark = pytest.mark.postgres
START_SECONDS = 120  # bounds for the processes on a busy machine, not speed tests
STOP_SECONDS = 30


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    http: httpx2.Client
    log: Path


@pytest.fixture
def database(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, sibling_name(database_url, "serve")) as url:
        yield url


@contextmanager
def serving(database: str, data_dir: Path, *options: str, **settings: str) -> Iterator[Served]:
    """``sanbao serve OPTIONS`` on ``database`` (with ``SANBAO_*`` settings), ready, with an
    agent's token."""
    ledger, _ = open_ledger(Settings(DATABASE_URL=database, data_dir=data_dir))  # type: ignore[call-arg]
    try:
        users = UserStore(datastore_of(ledger))
        token = users.add(f"serve.{uuid.uuid4().hex[:8]}", Role.AGENT)
    finally:
        ledger.close()
    port, log = free_port(), data_dir / "serve.log"
    # A read waits for the companion's views as long as the processes may take to start.
    env = service_env(database, data_dir) | {"SANBAO_READ_YOUR_WRITES_TIMEOUT": "30"} | settings
    process = sanbao("serve", "--port", str(port), *options, env=env, log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers_ready(base), START_SECONDS, "the service")
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=base, headers=headers, timeout=30) as http:
            yield Served(process, http, log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stops serve as an operator would (SIGTERM), so it stops its workers too."""
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def served(database: str, tmp_path: Path) -> Iterator[Served]:
    """``sanbao serve --workers 2``."""
    with serving(database, tmp_path, "--workers", "2") as service:
        yield service


def read_own_claim(http: httpx2.Client) -> None:
    """Reports a claim and finds it in the claims view at the position the report returned."""
    reported = http.post("/api/v1/claims", json=report_body())
    assert reported.status_code == 201, reported.text
    claim = reported.json()
    listed = http.get("/api/v1/claims", params={"min_position": claim["position"], "limit": 100})
    assert listed.status_code == 200, listed.text
    assert claim["claim_id"] in {row["claim_id"] for row in listed.json()["data"]}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_one_companion_serves_the_workers_and_stops_with_serve(
    database: str, tmp_path: Path, workers: str
) -> None:
    with serving(database, tmp_path, "--workers", workers) as served:
        pid = served.process.pid
        wait_for(lambda: len(companions(pid)) == 1, START_SECONDS, "the companion")
        (companion,) = companions(pid)
        read_own_claim(served.http)
        assert companions(pid) == [companion]

        served.process.send_signal(signal.SIGTERM)

        assert served.process.wait(timeout=STOP_SECONDS) == 0, served.log.read_text()[-2000:]
        assert not is_running(companion)


def test_a_companion_that_dies_is_restarted(served: Served) -> None:
    wait_for(lambda: len(companions(served.process.pid)) == 1, START_SECONDS, "the companion")
    (first,) = companions(served.process.pid)

    os.kill(first, signal.SIGKILL)

    wait_for(
        lambda: companions(served.process.pid) not in ([], [first]),
        START_SECONDS,
        "a new companion",
    )
    (second,) = companions(served.process.pid)
    assert second != first
    read_own_claim(served.http)
    assert "background process exited; restarting it" in served.log.read_text()


def test_no_projections_starts_no_companion(database: str, tmp_path: Path) -> None:
    quick = {"SANBAO_READ_YOUR_WRITES_TIMEOUT": "0.5"}
    with serving(database, tmp_path, "--no-projections", **quick) as service:
        # The companion would start before the workers answer.
        assert companions(service.process.pid) == []
        reported = service.http.post("/api/v1/claims", json=report_body())
        position = reported.json()["position"]
        behind = service.http.get("/api/v1/claims", params={"min_position": position})
        assert behind.status_code == 503, behind.text  # no views run anywhere


def test_the_companion_stops_by_itself_when_serve_is_killed(database: str, tmp_path: Path) -> None:
    with serving(database, tmp_path) as served:  # one worker: serve itself, nothing orphaned
        pid = served.process.pid
        wait_for(lambda: len(companions(pid)) == 1, START_SECONDS, "the companion")
        (companion,) = companions(pid)

        served.process.kill()
        served.process.wait()

        wait_for(lambda: not is_running(companion), STOP_SECONDS, "the companion to stop")
