"""Reads on a hot standby: view reads per second with one PostgreSQL server, and with the
views read on a streaming-replication standby (``DATABASE_READ_URL``).

    python -m bench.read_replica [--seconds 10] [--connections 16] [--workers 1] [--rounds 3]

Needs ``wrk`` (Debian package ``wrk``) and PostgreSQL's binaries (those of
``tests.support.private_postgres``). Starts a private primary and a standby of it
(``pg_basebackup -R``), reports ``--claims`` claims through the API, then drives
``sanbao serve`` with wrk on view reads (claims list pages under several filters,
the audit trail, a model's trace summary), alternating, round by round:

- ``one_server``: ``DATABASE_URL`` = the primary, every query there;
- ``primary_and_standby``: the same, with ``DATABASE_READ_URL`` = the standby.

Each run also counts the transactions the standby committed meanwhile, to show that
it answered the reads. Both servers share the machine with the service and wrk:
the figure says what the standby takes off the primary on this machine, not what a
second machine would add.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
import psycopg

from bench.api_throughput import median_ratio, report_claims, wrk
from bench.common import EVENTS_TABLE, RESULTS, median_run, server_facts
from tests.support.private_postgres import PrivatePostgres, free_port

READS = [
    "/api/v1/claims?limit=50",
    "/api/v1/claims?status=reported&limit=50",
    "/api/v1/claims?region=%E5%B9%BF%E4%B8%9C&limit=20",  # 广东, percent-encoded for wrk
    "/api/v1/claims?text=bench&limit=20",
    "/api/v1/audit?limit=100",
    "/api/v1/trace/models/XD-450",
]


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """``sanbao serve`` on ``port``, once it answers (its log in the data directory)."""
    command = [sys.executable, "-m", "api.cli.main", "serve", "--port", str(port)]
    log = Path(env["SANBAO_DATA_DIR"]) / f"serve-{port}.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    stop(process)
    raise SystemExit(f"sanbao serve did not become ready:\n{log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM: ``sanbao serve`` stops its workers and companion before it exits."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def add_user(env: dict[str, str], name: str, role: str) -> str:
    """A token of a new user with ``role``: ``sanbao users add``."""
    added = subprocess.run(
        [sys.executable, "-m", "api.cli.main", "users", "add", name, "--role", role],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return next(t for t in added.stdout.split() if re.fullmatch(r"[\w-]{20,}", t))


def head(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(f"SELECT max(notification_id) FROM {EVENTS_TABLE}").fetchone()
    return int(row[0]) if row and row[0] else 0


def committed(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


def run(
    seconds: int = 10, connections: int = 16, workers: int = 1, rounds: int = 3, claims: int = 300
) -> dict[str, Any]:
    primary = PrivatePostgres()
    primary.start()
    standby = primary.standby()
    data_dir = tempfile.mkdtemp(prefix="sanbao-bench-replica-")
    base_env = {**os.environ, "DATABASE_URL": primary.url, "SANBAO_DATA_DIR": data_dir}
    base_env.pop("DATABASE_READ_URL", None)
    configurations = {
        "one_server": base_env,
        "primary_and_standby": base_env | {"DATABASE_READ_URL": standby.url},
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {
        "database": server_facts(primary.url),
        "load_average_before": os.getloadavg(),
        "runs": {},
    }
    try:
        auth = {"Authorization": f"Bearer {add_user(base_env, 'bench.reader', 'auditor')}"}
        seeding = serve(base_env, port, 1)
        try:
            writer = {"Authorization": f"Bearer {add_user(base_env, 'bench.agent', 'agent')}"}
            report_claims(base, writer, claims)
            caught_up = httpx2.get(
                f"{base}/api/v1/claims?limit=1&min_position={head(primary.url)}",
                headers=auth,
                timeout=60,
            )
            caught_up.raise_for_status()
        finally:
            stop(seeding)
        results["claims"] = claims
        for round_no in range(1, rounds + 1):
            for name, env in configurations.items():
                port = free_port()
                process = serve(env, port, workers)
                try:
                    before = committed(standby.url)
                    measured = wrk(
                        f"http://127.0.0.1:{port}", READS, seconds, connections, auth, post=False
                    )
                    measured["standby_transactions"] = committed(standby.url) - before
                finally:
                    stop(process)
                results["runs"].setdefault(name, []).append(measured)
                print(f"round {round_no} {name}: {measured}", file=sys.stderr)
    finally:
        standby.remove()
        primary.remove()
        shutil.rmtree(data_dir, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()
    results["median"] = {
        name: median_run([r | {"rate": r["requests_per_s"]} for r in runs])
        for name, runs in results["runs"].items()
    }
    runs = results["runs"]
    results["standby_vs_one_server"] = median_ratio(runs["primary_and_standby"], runs["one_server"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--claims", type=int, default=300)
    args = parser.parse_args()
    results = run(args.seconds, args.connections, args.workers, args.rounds, args.claims)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "read_replica.json").write_text(json.dumps(results, indent=2))
    for name, figures in results["median"].items():
        print(
            f"{name}: {figures['requests_per_s']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, "
            f"p99 {figures['p99_ms']:.1f} ms, standby transactions "
            f"{figures['standby_transactions']}"
        )
    print(f"primary + standby / one server: {results['standby_vs_one_server']:.2f}x")


if __name__ == "__main__":
    main()
