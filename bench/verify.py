"""Ledger integrity: verification speed and memory, and what hashing costs writers.

    python -m bench.verify --events 1000000

Creates fresh databases on ``DATABASE_URL`` (or the embedded PostgreSQL) and
measures, in one run:

- generation: the events through the domain model (500 per save), chained by
  the trigger as they are written;
- checkpoints: ``sanbao ledger checkpoint`` over the whole log (10,000 events
  per checkpoint), in a child process;
- verification: ``sanbao verify`` over the whole log, in a child process whose
  peak RSS is reported, events/s as the command prints it;
- write cost, in a scratch database: ledger commands/s (``add_note``, one event
  per command, one client) and bulk saves (500 events per save), each measured
  with the chain's triggers and without them (dropped and recreated between
  rounds), alternating, ``--rounds`` times; the ratio is with / without;
  and the database time per event of 500-row INSERTs with and without the
  trigger (rolled back), which leaves the client's Python out.

Writes ``bench/results/verify.json`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from api.service.bootstrap import build_ledger
from api.service.database import Database, start_embedded
from api.settings import Settings
from bench.catch_up import RESULTS, child, drop_database, fresh_database, server_facts
from domain.application import ClaimsLedger
from domain.claim import Claim
from storage.hash_chain import LedgerTables
from storage.migrations import migrate
from tests.support.generate import AGENT, generate

SEED = base64.b64encode(bytes(range(7, 39))).decode()
CHECKED = re.compile(r"checked ([\d,]+) events \(([\d,]+) events/s\)")


def open_ledger(url: str) -> ClaimsLedger:
    migrate(url)
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=url, ledger_signing_key=SEED, data_dir=Path(".sanbao-bench")
    )
    return build_ledger(settings, Database(url, embedded=False))


def triggers(url: str, tables: LedgerTables, on: bool) -> None:
    """Drops the chain's triggers, then creates them again when ``on`` (no backfill: scratch)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TRIGGER IF EXISTS ledger_chain_append ON {tables.events}")
        conn.execute(f"DROP TRIGGER IF EXISTS ledger_snapshot_hash ON {tables.snapshots}")
        if not on:
            return
        conn.execute(
            f"CREATE TRIGGER ledger_chain_append AFTER INSERT ON {tables.events} "
            "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION ledger.on_events_insert()"
        )
        conn.execute(
            f"CREATE TRIGGER ledger_snapshot_hash AFTER INSERT ON {tables.snapshots} "
            "FOR EACH ROW EXECUTE FUNCTION ledger.on_snapshot_insert()"
        )


def commands_per_second(ledger: ClaimsLedger, claims: list[Any], commands: int) -> float:
    started = time.perf_counter()
    for n in range(commands):
        ledger.command(Claim.add_note, claims[n % len(claims)], AGENT, text=f"bench note {n}")
    return commands / (time.perf_counter() - started)


def bulk_events_per_second(ledger: ClaimsLedger, claims: int, seed: int) -> float:
    started = time.perf_counter()
    saved = max(generate(ledger, claims=claims, seed=seed), default=0)
    return saved / (time.perf_counter() - started)


def insert_microseconds(conn: psycopg.Connection[Any], tables: LedgerTables, chain: bool) -> float:
    """Database time per event of 500-row INSERTs (10 statements), rolled back: no Python."""
    with conn.transaction(force_rollback=True):
        if not chain:
            conn.execute(f"ALTER TABLE {tables.events} DISABLE TRIGGER ledger_chain_append")
        conn.execute(f"LOCK TABLE {tables.events} IN EXCLUSIVE MODE")
        started = time.perf_counter()
        for _ in range(10):
            conn.execute(
                f"INSERT INTO {tables.events} (originator_id, originator_version, topic, state) "
                "SELECT gen_random_uuid(), version, topic, state FROM bench_rows"
            )
        return (time.perf_counter() - started) / 5000 * 1e6


def sql_cost(url: str, tables: LedgerTables, rounds: int) -> dict[str, float]:
    """Median µs per event with and without the trigger, alternating (500-byte states)."""
    runs: dict[str, list[float]] = {"with": [], "without": []}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_rows AS SELECT v::bigint AS version, "
            "'domain.claim:Claim.NoteAdded' AS topic, "
            "convert_to(repeat('x', 500), 'UTF8') AS state "
            "FROM generate_series(1, 500) AS v"
        )
        for n in range(rounds * 2):
            for mode in ("with", "without") if n % 2 == 0 else ("without", "with"):
                runs[mode].append(insert_microseconds(conn, tables, chain=mode == "with"))
    return {mode: statistics.median(values) for mode, values in runs.items()}


def write_cost(server: str, rounds: int, commands: int, bulk_claims: int) -> dict[str, Any]:
    """Commands/s and bulk events/s with and without the triggers, alternating."""
    url = fresh_database(server)
    ledger = open_ledger(url)
    tables = LedgerTables.of(ledger)
    max(generate(ledger, claims=64, seed=1))
    with psycopg.connect(url) as conn:
        ids = [row[0] for row in conn.execute("SELECT DISTINCT originator_id FROM ledger.chain")]
    at = datetime.now().astimezone() - timedelta(hours=1)
    for claim in ids:  # generated claims are closed; notes need an open claim
        ledger.command(Claim.reopen, claim, AGENT, occurred_at=at, reason="bench")
    runs: dict[str, dict[str, list[float]]] = {
        "with": {"commands": [], "bulk": []},
        "without": {"commands": [], "bulk": []},
    }
    for n in range(rounds):
        for mode in ("with", "without") if n % 2 == 0 else ("without", "with"):
            triggers(url, tables, on=mode == "with")
            runs[mode]["commands"].append(commands_per_second(ledger, ids, commands))
            runs[mode]["bulk"].append(
                bulk_events_per_second(ledger, bulk_claims, seed=100 + 2 * n + (mode == "with"))
            )
            print(f"round {n + 1} {mode}: {runs[mode]['commands'][-1]:,.0f} commands/s, "
                  f"{runs[mode]['bulk'][-1]:,.0f} bulk events/s", file=sys.stderr)  # fmt: skip
    ledger.close()
    sql_microseconds = sql_cost(url, tables, rounds)
    drop_database(server, url)
    median = {m: {k: statistics.median(v) for k, v in r.items()} for m, r in runs.items()}
    return {
        "runs": runs,
        "median": median,
        "commands_ratio": median["with"]["commands"] / median["without"]["commands"],
        "bulk_ratio": median["with"]["bulk"] / median["without"]["bulk"],
        "insert_microseconds_per_event": sql_microseconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--commands", type=int, default=500)
    parser.add_argument("--bulk-claims", type=int, default=2000)
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL") or start_embedded(Path(".sanbao-bench"))
    results: dict[str, Any] = {"embedded": "DATABASE_URL" not in os.environ}
    results["write_cost"] = write_cost(server, args.rounds, args.commands, args.bulk_claims)

    url = fresh_database(server)
    results["database"] = server_facts(url)
    ledger = open_ledger(url)
    started = time.perf_counter()
    for saved in generate(ledger, claims=args.events // 10):
        if saved % 50_000 == 0:
            print(f"generated {saved:,} events", file=sys.stderr)
    ledger.close()
    results["events"] = saved
    results["generate_events_per_s"] = saved / (time.perf_counter() - started)
    os.environ["SANBAO_LEDGER_SIGNING_KEY"] = SEED
    seconds, rss, _ = child(["api.cli.main", "ledger", "checkpoint"], url)
    results["checkpoint_events_per_s"] = saved / seconds
    seconds, rss, output = child(["api.cli.main", "verify"], url)
    match = CHECKED.search(output)
    assert match and "intact up to" in output, output
    results["verify_events_per_s"] = float(match[2].replace(",", ""))
    results["verify_wall_seconds"] = seconds
    results["verify_peak_rss_mib"] = rss
    drop_database(server, url)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "verify.json").write_text(json.dumps(results, indent=2))
    print(table(results))


def table(r: dict[str, Any]) -> str:
    db, cost = r["database"], r["write_cost"]
    with_, without = cost["median"]["with"], cost["median"]["without"]
    sql_us = cost["insert_microseconds_per_event"]
    return "\n".join(
        [
            f"PostgreSQL {db['server_version']} ({'embedded' if r['embedded'] else 'server'}), "
            f"synchronous_commit={db['synchronous_commit']}, fsync={db['fsync']}; "
            f"{r['events']:,} events",
            "",
            "| measure | figure |",
            "|---|---:|",
            f"| `sanbao verify`, whole log | {r['verify_events_per_s']:,.0f} events/s |",
            f"| `sanbao verify`, peak RSS | {r['verify_peak_rss_mib']:.0f} MiB |",
            f"| `sanbao ledger checkpoint`, whole log | "
            f"{r['checkpoint_events_per_s']:,.0f} events/s |",
            f"| generation with the chain (500 events per save) | "
            f"{r['generate_events_per_s']:,.0f} events/s |",
            "",
            "| writes (median of rounds) | with chain | without | ratio |",
            "|---|---:|---:|---:|",
            f"| ledger commands/s (one event each) | {with_['commands']:,.0f} | "
            f"{without['commands']:,.0f} | {cost['commands_ratio']:.2f} |",
            f"| bulk saves, events/s (500 per save) | {with_['bulk']:,.0f} | "
            f"{without['bulk']:,.0f} | {cost['bulk_ratio']:.2f} |",
            f"| database time per event, 500-row INSERT (µs) | {sql_us['with']:.1f} | "
            f"{sql_us['without']:.1f} | {sql_us['without'] / sql_us['with']:.2f} |",
        ]
    )  # fmt: skip


if __name__ == "__main__":
    main()
