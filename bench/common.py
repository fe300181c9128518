"""What every benchmark shares: scratch databases, server facts, medians and percentiles."""

from __future__ import annotations

import os
import statistics
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.service.bootstrap import build_ledger
from api.service.database import Database, start_embedded
from api.settings import Settings
from domain.application import ClaimsLedger
from storage.migrations import migrate
from storage.recorder import recorder_of

RESULTS = Path(__file__).parent / "results"
BENCH_DIR = Path(".sanbao-bench")
EVENTS_TABLE = "sanbaoledger_events"


def server_url() -> tuple[str, bool]:
    """The server to run on: DATABASE_URL, else the embedded PostgreSQL; and whether embedded."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url, False
    return start_embedded(BENCH_DIR), True


def fresh_database(server: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = conninfo_to_dict(server)
    params["dbname"] = name
    return make_conninfo(**params)


def drop_database(server: str, url: str) -> None:
    """Drops a benchmark database once its figures are taken."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server, autocommit=True) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))


@contextmanager
def scratch_database(server: str, migrated: bool = True) -> Iterator[str]:
    """A fresh database on ``server`` (read-model migrations applied), dropped afterwards."""
    url = fresh_database(server)
    try:
        if migrated:
            migrate(url)
        yield url
    finally:
        drop_database(server, url)


@contextmanager
def open_ledger(url: str, pool_size: int = 10) -> Iterator[ClaimsLedger]:
    """The ledger as the service opens it (hash chain, customers' keys), on ``url``."""
    settings = Settings(DATABASE_URL=url, pool_size=pool_size, data_dir=BENCH_DIR)  # type: ignore[call-arg]
    ledger = build_ledger(settings, Database(url, embedded=False))
    try:
        yield ledger
    finally:
        ledger.close()


def without_group_commit(ledger: ClaimsLedger) -> ClaimsLedger:
    """The same ledger saving each command in its own transaction (the library's own path):
    the "before" of group commit, measured in the same run as the "after"."""
    ours = recorder_of(ledger)
    library = PostgresApplicationRecorder(ours.datastore, events_table_name=ours.events_table_name)
    ledger.events = ledger.factory.event_store(mapper=ledger.mapper, recorder=library)
    ledger._repository = ledger.construct_repository()
    return ledger


def server_facts(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        facts = {
            name: str(conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0])  # type: ignore[index]
            for name in ("server_version", "synchronous_commit", "fsync", "shared_buffers")
        }
    facts["cpu_count"] = str(os.cpu_count())
    return facts


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latency_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {"p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99)}


def alternate(
    rounds: int, cases: dict[str, Callable[[], dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """Runs every case once per round, in turn (subject, baseline, …); keeps every run and
    the run with the median ``rate`` (or the first figure) as the case's result."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            runs[name].append(case())
    return {name: {"median": median_run(found), "runs": found} for name, found in runs.items()}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    key = "rate" if "rate" in runs[0] else next(iter(runs[0]))
    ordered = sorted(runs, key=lambda r: float(r[key]))
    middle = (
        ordered[(len(ordered) - 1) // 2] if len(ordered) % 2 == 0 else ordered[len(ordered) // 2]
    )
    return middle | {"median_of": len(runs), key: statistics.median(r[key] for r in runs)}
