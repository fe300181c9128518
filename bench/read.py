"""Read: p50/p99 of loading a claim of 10, 100 and 1,000 events against a raw SELECT.

    python -m bench.read [--loads 200] [--rounds 3]

Loads go through the ledger's repository with the aggregate cache off (so
every load reads and folds the events), with snapshots (the ledger snapshots
every 50 versions) and without (a repository given no snapshot store); the
baseline selects the same rows (``SELECT … WHERE originator_id = %s ORDER BY
originator_version``) and decodes nothing.
"""

from __future__ import annotations

import argparse
import time
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Repository

from bench.append import AGENT, NOTE, report_claims
from bench.common import (
    EVENTS_TABLE,
    alternate,
    latency_ms,
    open_ledger,
    scratch_database,
    server_url,
)
from domain.application import ClaimsLedger

SIZES = (10, 100, 1000)


def grow(ledger: ClaimsLedger, claim_id: UUID, events: int) -> None:
    """Adds notes until the claim has ``events`` events, saved 100 at a time."""
    claim = ledger.get_claim(claim_id)
    while claim.version < events:
        for _ in range(min(100, events - claim.version)):
            claim.add_note(AGENT, ledger.clock(), NOTE)
        ledger.save(claim)


def timed(loads: int, load: Any) -> dict[str, Any]:
    samples = []
    for _ in range(loads):
        started = time.perf_counter()
        load()
        samples.append(time.perf_counter() - started)
    stats = latency_ms(samples)
    return stats | {"rate": 1000 / stats["p50_ms"]}


def run(server: str, loads: int = 200, rounds: int = 3) -> dict[str, Any]:
    results: dict[str, Any] = {"loads_per_run": loads, "sizes": {}}
    with scratch_database(server) as url, open_ledger(url) as ledger:
        claims = dict(zip(SIZES, report_claims(ledger, len(SIZES)), strict=True))
        for size, claim_id in claims.items():
            grow(ledger, claim_id, size)
        snapshots = Repository(event_store=ledger.events, snapshot_store=ledger.snapshots)
        no_snapshots = Repository(event_store=ledger.events)
        with psycopg.connect(url) as conn:
            select = (
                f"SELECT * FROM {EVENTS_TABLE} WHERE originator_id = %s ORDER BY originator_version"
            )
            for size, claim_id in claims.items():
                assert len(conn.execute(select, (claim_id,)).fetchall()) == size
                cases = {
                    "with_snapshots": lambda c=claim_id: timed(loads, lambda: snapshots.get(c)),
                    "without_snapshots": lambda c=claim_id: timed(
                        loads, lambda: no_snapshots.get(c)
                    ),
                    "raw_select": lambda c=claim_id: timed(
                        loads, lambda: conn.execute(select, (c,), prepare=True).fetchall()
                    ),
                }
                results["sizes"][str(size)] = alternate(rounds, cases)
                medians = {k: v["median"] for k, v in results["sizes"][str(size)].items()}
                print(
                    f"read {size} events: "
                    + ", ".join(f"{k} p50 {m['p50_ms']:.2f} ms" for k, m in medians.items()),
                    flush=True,
                )
    return results


def rows(result: dict[str, Any]) -> list[list[str]]:
    out = []
    for size, cases in result["sizes"].items():
        raw = cases["raw_select"]["median"]
        for name in ("with_snapshots", "without_snapshots"):
            m = cases[name]["median"]
            out.append(
                [
                    f"load a claim of {int(size):,} events, {name.replace('_', ' ')}: "
                    "p50 / p99 ms vs raw SELECT",
                    f"{m['p50_ms']:.2f} / {m['p99_ms']:.2f}",
                    f"{raw['p50_ms']:.2f} / {raw['p99_ms']:.2f}",
                    f"{m['p50_ms'] / raw['p50_ms']:.1f}×",
                    "",
                ]
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server, _ = server_url()
    for row in rows(run(server, args.loads, args.rounds)):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
