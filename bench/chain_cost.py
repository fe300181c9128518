"""Chain cost: one-event ledger commands/s with the hash chain's trigger and without it.

    python -m bench.chain_cost [--seconds 8] [--rounds 3] [--clients 1 8]

On a fresh database, at each concurrency (client threads, each on claims of its
own), alternating rounds with the chain's triggers and without them (dropped
and created again between runs, as ``bench.verify`` does): ``ClaimsLedger.command
(Claim.add_note, …)``, one event per command, through group commit. The ratio is
with / without. Then the database's own time per one-row INSERT with the trigger and
without it (disabled), alternating: a server-side loop of INSERT statements under
the lock, as the ledger's append takes it, rolled back; no client, no commit.
Prints the load average before and after, and markdown tables.
"""

from __future__ import annotations

import argparse
import os
import statistics
from typing import Any
from uuid import UUID

import psycopg

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


ONE_ROW_LOOP = """
DO $$
DECLARE
    started timestamptz;
    claims uuid[] := ARRAY(SELECT gen_random_uuid() FROM generate_series(1, 50));
BEGIN
    LOCK TABLE {events} IN EXCLUSIVE MODE;
    PERFORM set_config('ledger.writers_lock', pg_current_xact_id()::text, true);
    started := clock_timestamp();
    FOR i IN 1..{statements} LOOP
        INSERT INTO {events} (originator_id, originator_version, topic, state)
        VALUES (claims[1 + i % 50], i / 50 + 1, 'domain.claim:Claim.NoteAdded',
                convert_to(repeat('x', 400), 'UTF8'));
    END LOOP;
    RAISE NOTICE '%', extract(epoch FROM clock_timestamp() - started);
END $$
"""


def one_row_microseconds(url: str, events: str, chain: bool, statements: int = 2000) -> float:
    """Database time per one-row INSERT (``statements`` of them), rolled back."""
    seconds: list[float] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.add_notice_handler(lambda notice: seconds.append(float(notice.message_primary)))
        with conn.transaction(force_rollback=True):
            if not chain:
                conn.execute(f"ALTER TABLE {events} DISABLE TRIGGER ledger_chain_append")
            conn.execute(ONE_ROW_LOOP.format(events=events, statements=statements))
    return seconds[0] / statements * 1e6


def database_time(server: str, rounds: int) -> dict[str, float]:
    """Median µs per one-row INSERT with and without the chain's trigger, alternating."""
    runs: dict[str, list[float]] = {mode: [] for mode in MODES}
    with scratch_database(server) as url:
        with open_ledger(url) as ledger:
            events = LedgerTables.of(ledger).events
        for n in range(rounds * 2):
            for mode in MODES if n % 2 == 0 else MODES[::-1]:
                runs[mode].append(one_row_microseconds(url, events, chain=mode == "with"))
    return {mode: statistics.median(values) for mode, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    server, _ = server_url()
    print(f"load average before: {load()}")
    result = run(server, args.seconds, args.rounds, tuple(args.clients))
    database = database_time(server, args.rounds)
    print(f"load average after: {load()}")
    print("| one-event commands/s | with the chain | without | ratio |")
    print("|---|---:|---:|---:|")
    for clients, level in result["levels"].items():
        median = level["median"]
        print(
            f"| {clients} client(s) | {median['with']:,.0f} | {median['without']:,.0f} | "
            f"{level['ratio']:.2f}× |"
        )
    print()
    print("| database time per one-row INSERT (µs) | with the chain | without | trigger |")
    print("|---|---:|---:|---:|")
    print(
        f"| median of {args.rounds * 2} loops of 2,000 | {database['with']:.1f} | "
        f"{database['without']:.1f} | {database['with'] - database['without']:.1f} |"
    )


if __name__ == "__main__":
    main()
