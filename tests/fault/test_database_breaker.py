"""Once the database is known to be down, the service says so at once: the breaker opens
on a connection failure, stays open while PostgreSQL cannot be reached (a probe tries it
every half second), and closes by itself once it answers again."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.http.http_errors import DatabaseUnavailableError
from api.service.database_breaker import PROBE_SECONDS, DatabaseBreaker
from tests.e2e.conftest import runtime_of
from tests.support.private_postgres import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.fault]


def eventually(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_breaker_stays_open_while_the_database_cannot_be_reached() -> None:
    breaker = DatabaseBreaker(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    breaker.trip()
    try:
        time.sleep(PROBE_SECONDS * 3)  # several probes failed meanwhile
        assert breaker.open
    finally:
        breaker.stop()


def test_the_breaker_closes_once_the_database_answers(database_url: str) -> None:
    backs: list[bool] = []
    breaker = DatabaseBreaker(database_url, on_back=lambda: backs.append(True))
    breaker.trip()
    try:
        assert breaker.open
        assert eventually(lambda: not breaker.open)
        assert backs == [True]  # the pool was refreshed before serving again
    finally:
        breaker.stop()


def test_while_open_the_ledger_and_readiness_answer_503_without_trying(
    client: TestClient,
) -> None:
    runtime = runtime_of(client)
    runtime.breaker.opened.set()  # as if a request had just found the database gone
    try:
        with pytest.raises(DatabaseUnavailableError):
            _ = runtime.ledger
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["type"] == "urn:sanbao:problem:database-unavailable"
        assert answer.headers["retry-after"]
        assert client.get("/healthz").status_code == 200
    finally:
        runtime.breaker.opened.clear()
    assert client.get("/readyz").status_code == 200
