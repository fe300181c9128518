"""Projection catch-up: batched runner vs one event per transaction vs raw paging.

    python -m bench.catch_up --events 1000000 --single 20000

Creates a fresh database on ``DATABASE_URL`` (or the embedded PostgreSQL),
generates the events through the domain model, then measures, in one run on
the same data:

- raw paging: ``SELECT … ORDER BY notification_id LIMIT 1000`` over the events
  table, nothing decoded (the physical limit of reading the log);
- one event per transaction: every view, each event applied and tracked in its
  own transaction (what the library's runner does), over the first
  ``--single`` events, into a shadow schema;
- batched: the ledger's runner, every view, 1000 events per transaction,
  over all events, in a child process whose peak RSS is reported;
- batched, two worker processes: the views split between two
  ``catch_up_worker`` processes running at once (scale-out);
- rebuild: ``sanbao projections rebuild`` of every view, one after another
  (child process, peak RSS), with each view's own rate.

Writes ``bench/results/catch_up.json`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from typing import Any

import psycopg
from psycopg import sql

from api.cli.progress import ProgressLine
from bench.common import (
    RESULTS,
    drop_database,
    fresh_database,
    open_ledger,
    server_facts,
    server_url,
)
from bench.peak_rss import PEAK_PREFIX
from domain.application import ClaimsLedger
from projections.engine.envelope import Envelope
from projections.engine.registry import view_factories
from projections.engine.runner import ViewRunner
from storage.migrations import migrate
from tests.support.generate import generate

__all__ = ["RESULTS", "drop_database", "fresh_database", "server_facts"]
REBUILT = re.compile(r"^(\w+): rebuilt up to position \d+ \(([\d,]+) events/s", re.M)


def raw_paging(url: str) -> float:
    """Events/s reading the whole events table in pages of 1000, nothing decoded."""
    started, rows, last = time.perf_counter(), 0, 0
    with psycopg.connect(url) as conn:
        while page := conn.execute(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM sanbaoledger_events WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT 1000",
            (last,),
        ).fetchall():
            rows += len(page)
            last = page[-1][0]
    return rows / (time.perf_counter() - started)


def one_per_transaction(ledger: ClaimsLedger, events: int) -> float:
    """Events/s applying each event to every view in its own transaction."""
    factories = view_factories(ledger)
    live = [make("views") for make in factories.values()]
    views = [make("views_single") for make in factories.values()]
    runner = ViewRunner(ledger, views, batch_size=1000, tracking_suffix="#single")
    with runner.recorder.datastore.transaction(commit=True) as cur:
        cur.execute("DROP SCHEMA IF EXISTS views_single CASCADE")
        cur.execute("CREATE SCHEMA views_single")
        for view in live:
            for table in view.tables:
                cur.execute(
                    sql.SQL("CREATE TABLE views_single.{} (LIKE {} INCLUDING ALL)").format(
                        sql.Identifier(table), view.table(table)
                    )
                )
    started, done, position = time.perf_counter(), 0, 0
    while done < events:
        page = ledger.recorder.select_notifications(
            start=position, limit=min(1000, events - done), inclusive_of_start=False
        )
        for notification in page:
            envelope = Envelope.wrap(notification.id, ledger.mapper.to_domain_event(notification))
            runner.recorder.apply_batch(
                [(v, runner.tracking_name(v), position, [envelope]) for v in views]
            )
            position = notification.id
        done += len(page)
    return done / (time.perf_counter() - started)


def child(module_and_args: list[str], url: str) -> tuple[float, float, str]:
    """Runs ``python -m <module> <args>`` with DATABASE_URL; returns (seconds, peak MiB, output)."""
    env = {**os.environ, "DATABASE_URL": url, "COLUMNS": "120"}
    command = [sys.executable, "-m", "bench.peak_rss", *module_and_args]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    peak = next(line for line in reversed(done.stderr.splitlines()) if line.startswith(PEAK_PREFIX))
    return elapsed, int(peak.removeprefix(PEAK_PREFIX)) / 1024, done.stdout


def reset_views(url: str, ledger: ClaimsLedger) -> None:
    """Empties every view and forgets its position, for another catch-up from 0."""
    views = [make("views") for make in view_factories(ledger).values()]
    with psycopg.connect(url, autocommit=True) as conn:
        for view in views:
            for table in view.tables:
                conn.execute(sql.SQL("TRUNCATE {}").format(view.table(table)))
            conn.execute("DELETE FROM view_positions WHERE application_name = %s", (view.name,))


def split_catch_up(url: str) -> float:
    """Seconds for two worker processes, each with half the views, to catch up together."""
    env = {**os.environ, "DATABASE_URL": url}
    halves = [["claims", "trace"], ["audit", "sla"]]
    started = time.perf_counter()
    workers = [
        subprocess.Popen([sys.executable, "-m", "bench.catch_up_worker", *half], env=env)
        for half in halves
    ]
    for worker in workers:
        if worker.wait() != 0:
            raise SystemExit("a catch-up worker failed")
    return time.perf_counter() - started


def run(server: str, events: int, single: int, embedded: bool = False) -> dict[str, Any]:
    """Generates ``events`` events in a fresh database and takes every measure on them."""
    url = fresh_database(server)
    migrate(url)
    try:
        with open_ledger(url, pool_size=2) as ledger:
            started = time.perf_counter()
            saved = 0
            progress = ProgressLine(sys.stderr)
            for saved in generate(ledger, claims=events // 10):
                progress.show(f"generated {saved:,} events")
            progress.done()
            results: dict[str, Any] = {
                "database": server_facts(url),
                "embedded": embedded,
                "events": saved,
                "generate_events_per_s": saved / (time.perf_counter() - started),
                "raw_paging_events_per_s": raw_paging(url),
                "one_per_transaction_events_per_s": one_per_transaction(ledger, single),
            }
        seconds, rss, _ = child(["bench.catch_up_worker"], url)
        results["batched_events_per_s"] = saved / seconds
        results["batched_peak_rss_mib"] = rss
        with open_ledger(url, pool_size=2) as ledger:
            reset_views(url, ledger)
        results["batched_two_workers_events_per_s"] = saved / split_catch_up(url)
        seconds, rss, output = child(["api.cli.main", "projections", "rebuild"], url)
        results["rebuild_all_views_seconds"] = seconds
        results["rebuild_peak_rss_mib"] = rss
        results["rebuild_events_per_s"] = {
            match[1]: float(match[2].replace(",", "")) for match in REBUILT.finditer(output)
        }
        results["batched_vs_single"] = (
            results["batched_events_per_s"] / results["one_per_transaction_events_per_s"]
        )
        results["batched_vs_raw_paging"] = (
            results["batched_events_per_s"] / results["raw_paging_events_per_s"]
        )
    finally:
        drop_database(server, url)
    return results


def rows(r: dict[str, Any]) -> list[list[str]]:
    """Markdown rows for the run-all table."""
    raw = r["raw_paging_events_per_s"]
    out = [
        [
            f"catch-up of {r['events']:,} events, batched, all views, one process: events/s "
            "vs raw paging",
            f"{r['batched_events_per_s']:,.0f}",
            f"{raw:,.0f}",
            f"{r['batched_vs_raw_paging']:.3f}×",
            "",
        ],
        [
            "catch-up, batched, two worker processes (views split)",
            f"{r['batched_two_workers_events_per_s']:,.0f}",
            f"{raw:,.0f}",
            f"{r['batched_two_workers_events_per_s'] / raw:.3f}×",
            "",
        ],
        [
            "catch-up, one event per transaction (vs batched)",
            f"{r['one_per_transaction_events_per_s']:,.0f}",
            f"{r['batched_events_per_s']:,.0f}",
            f"batched {r['batched_vs_single']:.0f}× faster",
            "",
        ],
    ]
    for name, rate in r["rebuild_events_per_s"].items():
        out.append(
            [
                f"rebuild of the `{name}` view alone",
                f"{rate:,.0f}",
                f"{raw:,.0f}",
                f"{rate / raw:.3f}×",
                "",
            ]
        )
    out.append(
        [
            f"memory: peak RSS, catch-up of {r['events']:,} events / rebuild of all views",
            f"{r['batched_peak_rss_mib']:.0f} MiB / {r['rebuild_peak_rss_mib']:.0f} MiB",
            "",
            "",
            "bounded",
        ]
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=20_000)
    args = parser.parse_args()
    server, embedded = server_url()
    results = run(server, args.events, args.single, embedded)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "catch_up.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(table(results))


def table(r: dict[str, Any]) -> str:
    db = r["database"]
    return "\n".join(
        [
            f"PostgreSQL {db['server_version']} ({'embedded' if r['embedded'] else 'server'}), "
            f"synchronous_commit={db['synchronous_commit']}, fsync={db['fsync']}; "
            f"{r['events']:,} events",
            "",
            "| measure | events/s | peak RSS |",
            "|---|---:|---:|",
            f"| raw paging of the events table | {r['raw_paging_events_per_s']:,.0f} | |",
            f"| catch-up, batched (all views) | {r['batched_events_per_s']:,.0f} "
            f"| {r['batched_peak_rss_mib']:.0f} MiB |",
            f"| catch-up, batched, two worker processes (views split) | "
            f"{r['batched_two_workers_events_per_s']:,.0f} | |",
            f"| catch-up, one event per transaction | "
            f"{r['one_per_transaction_events_per_s']:,.0f} | |",
            *(
                f"| rebuild of the `{name}` view alone | {rate:,.0f} | |"
                for name, rate in r["rebuild_events_per_s"].items()
            ),
            f"| (peak RSS of `sanbao projections rebuild`, all views) | "
            f"| {r['rebuild_peak_rss_mib']:.0f} MiB |",
            "",
            f"batched / one-per-transaction: {r['batched_vs_single']:.1f}×",
        ]
    )


if __name__ == "__main__":
    main()
