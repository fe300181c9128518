"""Chain cost: one-event ledger commands/s with the hash chain's trigger and without it.

    python -m bench.chain_cost [--seconds 8] [--rounds 3] [--clients 1 8]

On a fresh database, at each concurrency (client threads, each on claims of its
own), alternating rounds with the chain's triggers and without them (dropped
and created again between runs, as ``bench.verify`` does): ``ClaimsLedger.command
(Claim.add_note, …)``, one event per command, through group commit. The ratio is
with / without. Prints the load average before and after, and a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
from typing import Any
from uuid import UUID

from bench.append import CLAIMS_PER_CLIENT, NOTE, drive, report_claims
from bench.common import open_ledger, scratch_database, server_url
from bench.verify import triggers
from domain.application import ClaimsLedger
from domain.claim import Claim
from storage.hash_chain import LedgerTables
from tests.support.generate import AGENT

MODES = ("with", "without")


def load() -> str:
    return ", ".join(f"{figure:.2f}" for figure in os.getloadavg())


def run(server: str, seconds: float, rounds: int, levels: tuple[int, ...]) -> dict[str, Any]:
    results: dict[str, Any] = {"seconds_per_run": seconds, "rounds": rounds, "levels": {}}
    with scratch_database(server) as url, open_ledger(url, pool_size=max(levels) + 2) as ledger:
        claims = report_claims(ledger, CLAIMS_PER_CLIENT * max(levels))
        for clients in levels:
            level = measure_level(url, ledger, claims, clients, seconds, rounds)
            results["levels"][str(clients)] = level
            median = level["median"]
            print(
                f"{clients} client(s): {median['with']:,.0f}/s with the chain, "
                f"{median['without']:,.0f}/s without, {level['ratio']:.2f}× "
                f"(runs {level['runs']}; load {load()})",
                flush=True,
            )
    return results


def measure_level(
    url: str, ledger: ClaimsLedger, claims: list[UUID], clients: int, seconds: float, rounds: int
) -> dict[str, Any]:
    """Commands/s with and without the chain at one concurrency, alternating."""
    tables = LedgerTables.of(ledger)
    mine = [claims[i::clients] for i in range(clients)]

    def note(client: int, n: int) -> None:
        ledger.command(Claim.add_note, mine[client][n % len(mine[client])], AGENT, text=NOTE)

    runs: dict[str, list[float]] = {mode: [] for mode in MODES}
    try:
        for n in range(rounds):
            for mode in MODES if n % 2 == 0 else MODES[::-1]:
                triggers(url, tables, on=mode == "with")
                runs[mode].append(drive(clients, seconds, note) / seconds)
    finally:
        triggers(url, tables, on=True)
    median = {mode: statistics.median(values) for mode, values in runs.items()}
    return {"runs": runs, "median": median, "ratio": median["with"] / median["without"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    server, _ = server_url()
    print(f"load average before: {load()}")
    result = run(server, args.seconds, args.rounds, tuple(args.clients))
    print(f"load average after: {load()}")
    print("| one-event commands/s | with the chain | without | ratio |")
    print("|---|---:|---:|---:|")
    for clients, level in result["levels"].items():
        median = level["median"]
        print(
            f"| {clients} client(s) | {median['with']:,.0f} | {median['without']:,.0f} | "
            f"{level['ratio']:.2f}× |"
        )


if __name__ == "__main__":
    main()
