"""PostgreSQL stopped (as by a crash) under API load, then started again: every command
acknowledged with a 2xx is in the ledger, the API answered 503 with Retry-After (never
another 5xx) while the database was down, readiness said so, and it recovered without
being restarted. (How fast the 503s come is measured by ``bench/stall.py``.)

The service runs as ``sanbao serve`` in a subprocess on a private PostgreSQL cluster
(``tests.support.private_postgres``): the shared server is never stopped.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest

from tests.e2e.claims import report_body
from tests.e2e.processes import answers_ready, service_env, wait_for
from tests.support.private_postgres import PrivatePostgres, free_port

from .conftest import full_or

pytestmark = [pytest.mark.postgres, pytest.mark.fault, pytest.mark.slow]
CLIENTS = 4
CLAIMS = 4
# Longer than a request may wait for a connection before it is told 503.
DOWN_SECONDS = 30


@dataclass
class Service:
    base: str
    headers: dict[str, str]
    process: subprocess.Popen[bytes]


@dataclass
class Load:
    """Answers while the database goes away and comes back: (phase, status, note text).

    The phase is ``mixed`` when a request was sent in one phase and answered in another.
    """

    answers: list[tuple[str, int, str]] = field(default_factory=list)
    readiness: list[tuple[str, int]] = field(default_factory=list)
    without_retry_after: int = 0
    phase: str = "up"
    stopping: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def cluster() -> Iterator[PrivatePostgres]:
    postgres = PrivatePostgres()
    postgres.start()
    yield postgres
    postgres.remove()


@pytest.fixture
def service(cluster: PrivatePostgres, tmp_path: Path) -> Iterator[Service]:
    env = service_env(cluster.url, tmp_path)
    added = subprocess.run(
        [sys.executable, "-m", "api.cli.main", "users", "add", "fault.agent", "--role", "agent"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = next(t for t in added.stdout.split() if re.fullmatch(r"[\w-]{20,}", t))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: answers_ready(base), 60, "the service to be ready")
    yield Service(base, {"Authorization": f"Bearer {token}"}, process)
    process.terminate()
    process.wait(timeout=20)


def send_notes(service: Service, claim_id: str, client: int, load: Load) -> None:
    with httpx2.Client(base_url=service.base, headers=service.headers, timeout=60) as http:
        n = 0
        while not load.stopping.is_set():
            text = f"client {client} note {n}"
            phase = load.phase
            try:
                answer = http.post(f"/api/v1/claims/{claim_id}/notes", json={"text": text})
                status = answer.status_code
                if status == 503 and "retry-after" not in answer.headers:
                    load.without_retry_after += 1
            except httpx2.HTTPError:
                status = 0  # no answer at all (connection dropped)
            # The phase when the answer came: "down" answers came while PostgreSQL was stopped.
            load.answers.append((load.phase if phase == load.phase else "mixed", status, text))
            n += 1
            if status >= 500:
                time.sleep(0.05)


def poll_readiness(service: Service, load: Load) -> None:
    with httpx2.Client(base_url=service.base, timeout=60) as http:
        while not load.stopping.is_set():
            phase = load.phase
            try:
                status = http.get("/readyz").status_code
            except httpx2.HTTPError:
                status = 0
            load.readiness.append((load.phase if phase == load.phase else "mixed", status))
            time.sleep(0.2)


def outage(cluster: PrivatePostgres, load: Load, down_seconds: float) -> None:
    """Runs the load up, stops PostgreSQL immediately, waits, starts it, runs it up again."""
    time.sleep(1.5)
    load.phase = "down"
    cluster.stop("immediate")
    time.sleep(down_seconds)
    cluster.start()
    load.phase = "back"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        back = [a for a in load.answers if a[0] == "back" and 200 <= a[1] < 300]
        if len(back) >= 20:
            return
        time.sleep(0.2)


def test_every_acknowledged_command_survives_a_database_outage_and_the_api_recovers(
    cluster: PrivatePostgres, service: Service
) -> None:
    with httpx2.Client(base_url=service.base, headers=service.headers, timeout=30) as http:
        claims = [http.post("/api/v1/claims", json=report_body()) for _ in range(CLAIMS)]
        assert {c.status_code for c in claims} == {201}, [c.text for c in claims]
        claim_ids = [c.json()["claim_id"] for c in claims]
        load = Load()
        threads = [
            threading.Thread(target=send_notes, args=(service, claim_ids[i % CLAIMS], i, load))
            for i in range(CLIENTS)
        ]
        threads.append(threading.Thread(target=poll_readiness, args=(service, load)))
        for thread in threads:
            thread.start()
        try:
            for _ in range(full_or(1, 3)):
                load.phase = "up"
                outage(cluster, load, down_seconds=DOWN_SECONDS)
        finally:
            load.stopping.set()
            for thread in threads:
                thread.join()
        stored = set()
        for claim_id in claim_ids:
            history = http.get(f"/api/v1/claims/{claim_id}/history")
            assert history.status_code == 200, history.text
            stored |= {e["data"]["text"] for e in history.json()["data"] if "text" in e["data"]}

    acknowledged = {text for _, status, text in load.answers if 200 <= status < 300}
    statuses_while_down = {status for phase, status, _ in load.answers if phase == "down"}
    assert acknowledged <= stored, f"lost: {sorted(acknowledged - stored)[:5]}"
    assert {s for _, s, _ in load.answers if s >= 500} <= {503}
    assert 503 in statuses_while_down
    assert [a for a in load.answers if a[0] == "back" and 200 <= a[1] < 300]
    assert service.process.poll() is None, "the service had to restart"
    assert load.without_retry_after == 0
    readiness_while_down = {status for phase, status in load.readiness if phase == "down"}
    assert 503 in readiness_while_down and readiness_while_down <= {200, 503}
    assert ("back", 200) in load.readiness
