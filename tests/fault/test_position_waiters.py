"""A hundred reads waiting for the views (``min_position``) cannot stall the service:
they wait on the event loop, holding no thread, at most ``max_position_waiters`` at a
time; the rest are told 503 with Retry-After at once; commands and liveness answer
meanwhile.

The service runs under uvicorn on a database of its own, without views, so that no
waiter is ever satisfied and each one waits as long as it may.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
import uvicorn

from api.http.app import create_app
from api.service.runtime import Runtime
from api.settings import Settings
from domain.vocabulary import Role
from tests.e2e.claims import report_body
from tests.support.databases import scratch_database, sibling_name
from tests.support.private_postgres import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.fault]
WAITERS = 100
CAP = 20
NOTES = 20
WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Service:
    base: str
    runtime: Runtime
    headers: dict[str, str]


@pytest.fixture(scope="module")
def service(database_url: str) -> Iterator[Service]:
    with scratch_database(database_url, sibling_name(database_url, "waiters")) as url:
        settings = Settings(  # type: ignore[call-arg]
            DATABASE_URL=url,
            projections=False,
            max_position_waiters=CAP,
            read_your_writes_timeout=WAIT_SECONDS,
        )
        app = create_app(settings)
        config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_config=None)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
        thread.start()
        runtime: Runtime = app.state.runtime
        deadline = time.monotonic() + 30
        while not (server.started and runtime.wait_until_ready(0.1)):
            assert time.monotonic() < deadline, "the service did not start"
        token = runtime.users.add("fault.waiters", Role.SUPERVISOR)
        base = f"http://127.0.0.1:{config.port}"
        yield Service(base, runtime, {"Authorization": f"Bearer {token}"})
        server.should_exit = True
        thread.join(timeout=30)


@dataclass
class Observed:
    waiters: list[httpx2.Response]
    notes: list[int]
    health: list[int]
    most_waiting: int


async def load(service: Service) -> Observed:
    limits = httpx2.Limits(max_connections=WAITERS + 10)
    async with httpx2.AsyncClient(
        base_url=service.base, headers=service.headers, timeout=60, limits=limits
    ) as http:
        reported = await http.post("/api/v1/claims", json=report_body())
        assert reported.status_code == 201, reported.text
        claim_id, position = reported.json()["claim_id"], reported.json()["position"]
        most_waiting = 0

        async def wait_for_views() -> httpx2.Response:
            return await http.get("/api/v1/claims", params={"min_position": position})

        async def add_notes() -> list[int]:
            statuses = []
            for n in range(NOTES):
                note = await http.post(f"/api/v1/claims/{claim_id}/notes", json={"text": f"{n}"})
                statuses.append(note.status_code)
            return statuses

        async def check_health() -> list[int]:
            nonlocal most_waiting
            statuses = []
            for _ in range(NOTES):
                statuses.append((await http.get("/healthz")).status_code)
                most_waiting = max(most_waiting, service.runtime.waiting)
                await asyncio.sleep(0.05)
            return statuses

        waiters, notes, health = await asyncio.gather(
            asyncio.gather(*(wait_for_views() for _ in range(WAITERS))),
            add_notes(),
            check_health(),
        )
    return Observed(list(waiters), notes, health, most_waiting)


@pytest.fixture(scope="module")
def observed(service: Service) -> Observed:
    return asyncio.run(load(service))


def problem_type(response: httpx2.Response) -> str:
    body: dict[str, Any] = response.json()
    return str(body["type"]).removeprefix("urn:sanbao:problem:")


def test_commands_and_liveness_answer_while_a_hundred_reads_wait(observed: Observed) -> None:
    assert observed.notes == [200] * NOTES
    assert observed.health == [200] * NOTES


def test_no_more_than_the_cap_wait_at_once(observed: Observed) -> None:
    assert 0 < observed.most_waiting <= CAP
    waited = [w for w in observed.waiters if problem_type(w) == "views-behind"]
    assert 0 < len(waited) <= WAITERS


def test_waiters_beyond_the_cap_get_503_with_retry_after_at_once(observed: Observed) -> None:
    refused = [w for w in observed.waiters if problem_type(w) == "too-many-waiters"]
    assert refused
    for answer in refused:
        assert answer.status_code == 503
        assert answer.headers["retry-after"]
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["waiting"] >= CAP
        assert answer.json()["detail_zh"]


def test_every_waiter_is_answered_503_when_the_views_never_arrive(observed: Observed) -> None:
    assert {w.status_code for w in observed.waiters} == {503}
    assert {problem_type(w) for w in observed.waiters} <= {"views-behind", "too-many-waiters"}
