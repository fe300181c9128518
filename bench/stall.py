"""Stalling the service: commands under 100 readers waiting for the views, and the 503s
of a database outage.

    python -m bench.stall --waiters 100 --commands 200

Runs ``sanbao serve`` (one worker, no views, so a reader waiting for a position
waits its whole ``read_your_writes_timeout``) and measures, from one client:

- notes' latency (p50/p99) alone, then while ``--waiters`` readers keep waiting
  (``GET /api/v1/claims?min_position=…``, re-sent as each is answered): with the
  waiting on the event loop, the commands should not notice them;
- on a private PostgreSQL cluster stopped as by a crash: the latency of the first
  request, then of requests and readiness once the outage is known (the 503s), and
  how long after the restart the first command succeeds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2

from bench.common import RESULTS, latency_ms, scratch_database, server_facts, server_url
from tests.e2e.claims import report_body
from tests.e2e.processes import answers_ready, service_env, wait_for
from tests.support.private_postgres import PrivatePostgres, free_port


@contextmanager
def serving(url: str, **settings: str) -> Iterator[tuple[str, dict[str, str]]]:
    """``sanbao serve`` (no views) on ``url``: its base URL and a supervisor's headers."""
    with tempfile.TemporaryDirectory(prefix="sanbao-stall-") as directory:
        env = service_env(url, Path(directory)) | {
            f"SANBAO_{k.upper()}": v for k, v in settings.items()
        }
        added = subprocess.run(
            [sys.executable, "-m", "api.cli.main", "users", "add", "bench.stall"]
            + ["--role", "supervisor"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        token = next(t for t in added.stdout.split() if len(t) >= 20)
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli.main", "serve", "--port", str(port)]
            + ["--no-projections"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: answers_ready(base), 60, "the service to be ready")
            yield base, {"Authorization": f"Bearer {token}"}
        finally:
            process.terminate()
            process.wait(timeout=30)


async def notes_latency(http: httpx2.AsyncClient, claim_id: str, commands: int) -> list[float]:
    samples = []
    for n in range(commands):
        started = time.perf_counter()
        answer = await http.post(f"/api/v1/claims/{claim_id}/notes", json={"text": f"{n}"})
        samples.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise SystemExit(f"note answered {answer.status_code}: {answer.text}")
    return samples


async def under_waiters(base: str, headers: dict[str, str], waiters: int, commands: int) -> Any:
    limits = httpx2.Limits(max_connections=waiters + 10)
    async with httpx2.AsyncClient(
        base_url=base, headers=headers, timeout=60, limits=limits
    ) as http:
        reported = (await http.post("/api/v1/claims", json=report_body())).json()
        claim_id, position = reported["claim_id"], reported["position"]
        alone = await notes_latency(http, claim_id, commands)
        stopping = asyncio.Event()
        answers: dict[str, int] = {}
        health: list[float] = []

        async def keep_waiting() -> None:
            """A reader that re-sends its read, after Retry-After when it was refused."""
            while not stopping.is_set():
                answer = await http.get("/api/v1/claims", params={"min_position": position})
                kind = answer.json().get("type", "").rsplit(":", 1)[-1] or "ok"
                answers[kind] = answers.get(kind, 0) + 1
                if kind == "too-many-waiters":
                    await asyncio.sleep(float(answer.headers["retry-after"]))

        async def poll_health() -> None:
            while not stopping.is_set():
                started = time.perf_counter()
                await http.get("/healthz")
                health.append(time.perf_counter() - started)
                await asyncio.sleep(0.1)

        readers = [asyncio.create_task(keep_waiting()) for _ in range(waiters)]
        await asyncio.sleep(1.0)  # every reader is waiting, or was refused
        poller = asyncio.create_task(poll_health())
        loaded = await notes_latency(http, claim_id, commands)
        stopping.set()
        await asyncio.gather(poller, *readers)
    return {
        "notes_alone": latency_ms(alone),
        "notes_under_waiters": latency_ms(loaded),
        "healthz_under_waiters": latency_ms(health),
        "reader_answers_by_problem": answers,
    }


def timed(http: httpx2.Client, method: str, path: str, **kwargs: Any) -> tuple[int, float]:
    """The status (0: no answer within the client's 30 s) and the seconds it took."""
    started = time.perf_counter()
    try:
        status = http.request(method, path, **kwargs).status_code
    except httpx2.TimeoutException:
        status = 0
    return status, time.perf_counter() - started


def outage(requests: int) -> dict[str, Any]:
    cluster = PrivatePostgres()
    cluster.start()
    try:
        with (
            serving(cluster.url) as (base, headers),
            httpx2.Client(base_url=base, headers=headers, timeout=30) as http,
        ):
            claim_id = http.post("/api/v1/claims", json=report_body()).json()["claim_id"]
            notes = f"/api/v1/claims/{claim_id}/notes"
            cluster.stop("immediate")
            first = timed(http, "POST", notes, json={"text": "first"})
            time.sleep(1.0)  # the outage is known by now
            commands, reads, readiness = [], [], []
            for n in range(requests):
                commands.append(timed(http, "POST", notes, json={"text": f"down {n}"}))
                reads.append(timed(http, "GET", f"/api/v1/claims/{claim_id}"))
                readiness.append(timed(http, "GET", "/readyz"))
            cluster.start()
            restarted = time.perf_counter()
            while timed(http, "POST", notes, json={"text": "back"})[0] != 200:
                time.sleep(0.05)
            back_seconds = time.perf_counter() - restarted
    finally:
        cluster.remove()
    return {
        "first_request": {"status": first[0], "ms": round(first[1] * 1000, 1)},
        "statuses_while_down": sorted({s for s, _ in commands + reads + readiness}),
        "command_503": latency_ms([t for _, t in commands]),
        "read_503": latency_ms([t for _, t in reads]),
        "readyz_503": latency_ms([t for _, t in readiness]),
        "first_command_after_restart_s": round(back_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiters", type=int, default=100)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--outage-requests", type=int, default=50)
    args = parser.parse_args()
    server, _ = server_url()
    with scratch_database(server) as url:
        with serving(url, read_your_writes_timeout="5") as (base, headers):
            stalled = asyncio.run(under_waiters(base, headers, args.waiters, args.commands))
        facts = server_facts(url)
    results = {
        "database": facts,
        "waiters": args.waiters,
        "commands": args.commands,
        "under_waiters": stalled,
        "outage": outage(args.outage_requests),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stall.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
