"""Exactly-once keyed commands across kill -9: the service is killed at random points in
a stream of keyed commands, every unacknowledged request is sent again with its key
until it is acknowledged, and each key then had exactly one effect in the ledger.

The stream is notes on a few claims and new reports (the two commands that were
recorded twice before the idempotency outcome was written with the events). The
service's processes are forked from a process that imported the code once
(``tests.fault.service_forks``), so that a restart takes a fraction of a second and
the test can afford many kill points; each is killed with SIGKILL mid-stream. The
lease is 1 s, so a retry takes over a dead process's key soon after the restart.
Reduced by default (20 kill points); ``SANBAO_FAULT_FULL=1`` runs 60.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from tests.e2e.claims import report_body
from tests.e2e.processes import answers_ready, service_env, wait_for
from tests.support.databases import scratch_database, sibling_name
from tests.support.private_postgres import free_port

from .conftest import full_or

pytestmark = [pytest.mark.postgres, pytest.mark.fault, pytest.mark.slow]
CLIENTS = 4
NOTE_CLAIMS = 3
# A request that keeps failing this long is a failure of the test, not a retry.
SETTLE_SECONDS = 60
RETRYABLE = {409, 503}  # in progress (the first attempt's lease), database unavailable


@dataclass
class KeyedRequest:
    key: str
    path: str
    body: dict[str, Any]
    sends: int = 0
    answer: httpx2.Response | None = None


@dataclass
class Stream:
    """The requests the clients sent and what came back."""

    requests: list[KeyedRequest] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Service:
    """One service process at a time, forked on demand, killed with SIGKILL."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        with log.open("ab") as output:  # the services' JSON logs (503s while a lock times out)
            self.forks = subprocess.Popen(
                [sys.executable, "-m", "tests.fault.service_forks"],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=output,
                text=True,
            )
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.pid = 0

    def start(self) -> None:
        assert self.forks.stdin is not None and self.forks.stdout is not None
        self.forks.stdin.write(f"start {self.port}\n")
        self.forks.stdin.flush()
        self.pid = int(self.forks.stdout.readline())
        wait_for(lambda: answers_ready(self.base), 60, "the service to be ready")

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        wait_for(lambda: not _exists(self.pid), 10, "the killed service to be gone")

    def close(self) -> None:
        if self.pid and _exists(self.pid):
            self.kill()
        assert self.forks.stdin is not None and self.forks.stdout is not None
        self.forks.stdin.close()  # the forking process ends at the end of its input
        self.forks.wait(timeout=10)
        self.forks.stdout.close()


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    with scratch_database(database_url, sibling_name(database_url, "keyed_crash")) as url:
        env = service_env(url, tmp_path)
        env.update(
            SANBAO_PROJECTIONS="false",
            SANBAO_IDEMPOTENCY_LEASE_SECONDS="1",
            SANBAO_LOG_LEVEL="WARNING",
        )
        yield env


@pytest.fixture
def token(env: dict[str, str]) -> str:
    added = subprocess.run(
        [sys.executable, "-m", "api.cli.main", "users", "add", "crash.agent", "--role", "agent"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return next(t for t in added.stdout.split() if re.fullmatch(r"[\w-]{20,}", t))


@pytest.fixture
def service(env: dict[str, str], token: str, tmp_path: Path) -> Iterator[Service]:
    running = Service(env, tmp_path / "service.log")
    try:
        running.start()
        yield running
    finally:
        running.close()


def send_until_acknowledged(http: httpx2.Client, request: KeyedRequest, stream: Stream) -> None:
    """Sends the request with its key until a definite answer comes (a resend after a
    dropped connection, a 503, or a 409 while a dead process's lease runs out)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        request.sends += 1
        try:
            answer = http.post(
                request.path, json=request.body, headers={"Idempotency-Key": request.key}
            )
        except httpx2.HTTPError:
            time.sleep(0.05)  # the service is down: it comes back
            continue
        if answer.status_code in RETRYABLE:
            time.sleep(0.1)
            continue
        request.answer = answer
        if not answer.is_success:
            stream.unexpected.append(f"{request.path}: {answer.status_code} {answer.text}")
        return
    stream.unexpected.append(f"{request.path}: no answer within {SETTLE_SECONDS} s")


def client(service: Service, token: str, claims: list[str], stream: Stream, seed: int) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(base_url=service.base, headers=headers, timeout=30) as http:
        while not stream.stopping.is_set():
            key = uuid.uuid4().hex
            if rng.random() < 0.3:
                request = KeyedRequest(key, "/api/v1/claims", report_body(serial_no=key))
            else:
                claim = rng.choice(claims)
                request = KeyedRequest(key, f"/api/v1/claims/{claim}/notes", {"text": key})
            with stream.lock:
                stream.requests.append(request)
            send_until_acknowledged(http, request, stream)


def effects(database_url: str) -> tuple[Counter[str], dict[str, list[str]]]:
    """Notes by text, and the claims reported by serial number, as the ledger recorded them."""
    ledger = ClaimsLedger(env=eventsourcing_env(database_url, pool_size=2))
    notes: Counter[str] = Counter()
    reports: dict[str, list[str]] = defaultdict(list)
    try:
        start = 1
        while batch := ledger.recorder.select_notifications(start=start, limit=500):
            for notification in batch:
                event: Any = ledger.mapper.to_domain_event(notification)
                kind = type(event).__name__
                if kind == "NoteAdded":
                    notes[event.text] += 1
                elif kind == "Reported":
                    reports[event.items[0].serial_no].append(str(notification.originator_id))
            start = batch[-1].id + 1
    finally:
        ledger.close()
    return notes, reports


def test_each_keyed_command_has_exactly_one_effect_across_kills(
    service: Service, token: str, env: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(base_url=service.base, headers=headers, timeout=30) as http:
        made = [http.post("/api/v1/claims", json=report_body()) for _ in range(NOTE_CLAIMS)]
    assert {m.status_code for m in made} == {201}
    claims = [m.json()["claim_id"] for m in made]
    stream = Stream()
    clients = [
        threading.Thread(target=client, args=(service, token, claims, stream, seed))
        for seed in range(CLIENTS)
    ]
    for thread in clients:
        thread.start()
    rng = random.Random(15)
    kills = full_or(20, 60)
    try:
        for _ in range(kills):
            time.sleep(rng.uniform(0.05, 0.8))  # a random point in the stream
            service.kill()
            service.start()
    finally:
        stream.stopping.set()
        for thread in clients:
            thread.join(timeout=SETTLE_SECONDS + 30)

    assert not stream.unexpected, stream.unexpected[:5]
    assert all(r.answer is not None and r.answer.is_success for r in stream.requests)
    resent = [r for r in stream.requests if r.sends > 1]
    assert resent, "no kill caught a request in flight"
    replayed = [r for r in resent if r.answer and r.answer.headers.get("idempotent-replayed")]
    print(  # the figures of the run (pytest -s): how many kills caught a command in flight
        f"{kills} kills, {len(stream.requests)} keyed requests, {len(resent)} sent again, "
        f"{len(replayed)} of those replayed (their first attempt had recorded its events)"
    )
    notes, reports = effects(env["DATABASE_URL"])
    for request in stream.requests:
        assert request.answer is not None
        if request.path == "/api/v1/claims":
            # One claim, and every answer (replayed, rebuilt or first) names it.
            assert reports[request.key] == [request.answer.json()["claim_id"]], request.key
        else:
            assert notes[request.key] == 1, f"note {request.key}: {notes[request.key]}"
