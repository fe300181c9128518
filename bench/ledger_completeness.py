"""What closing verification's blind spots costs: the length checks, the writers' lock check.

    python -m bench.ledger_completeness --events 100000 --per-checkpoint 10 --runs 1000

On a fresh database (``DATABASE_URL`` or the embedded PostgreSQL): writes
``--events`` raw events (500 per save, through the ledger's recorder and chain),
signs a checkpoint every ``--per-checkpoint`` events (a worst case: the default
is 10,000), records ``--runs`` verification runs, then times the length checks
(``storage.ledger_completeness``: checkpoints beyond the head, gaps, earlier
runs) 20 times, and one whole verification for comparison. Then, in the
same database, one-event appends (``--appends`` a round, ``--rounds`` rounds,
alternating) with the chain trigger of migration 0014, which refuses an INSERT
without the writers' EXCLUSIVE lock, and with 0008's, which does not. Prints
two lines.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from importlib.resources import files
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent

from bench.common import open_ledger, scratch_database, server_url
from storage.checkpoint_store import write_checkpoints
from storage.hash_chain import LedgerTables, log_head
from storage.ledger_completeness import completeness_fault
from storage.verification import verify_ledger

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
TOPIC = "domain.claim:Claim.NoteAdded"


def trigger_function(migration: str) -> str:
    """The chain trigger's function as a migration defines it, as CREATE OR REPLACE."""
    text = files("migrations").joinpath(migration).read_text()
    start = text.index("FUNCTION ledger.on_events_insert() RETURNS trigger")
    end = text.index("END $$;", start) + len("END $$;")
    return "CREATE OR REPLACE " + text[start:end]


def appends_per_second(ledger: Any, count: int) -> float:
    claims = [uuid.uuid4() for _ in range(count)]
    started = time.perf_counter()
    for claim in claims:
        ledger.recorder.insert_events([StoredEvent(claim, 1, TOPIC, b'{"note":"x"}')])
    return count / (time.perf_counter() - started)


def lock_check_cost(url: str, ledger: Any, appends: int, rounds: int) -> dict[str, float]:
    """Median one-event appends/s with 0014's trigger and with 0008's, alternating."""
    functions = {
        "with": trigger_function("0014.ledger-append-only.sql"),
        "without": trigger_function("0008.ledger-chain.sql"),
    }
    runs: dict[str, list[float]] = {"with": [], "without": []}
    with psycopg.connect(url, autocommit=True) as conn:
        for n in range(rounds * 2):
            for mode in ("with", "without") if n % 2 == 0 else ("without", "with"):
                conn.execute(functions[mode])
                runs[mode].append(appends_per_second(ledger, appends))
        conn.execute(functions["with"])
    return {mode: statistics.median(values) for mode, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-checkpoint", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--appends", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server, _ = server_url()
    with scratch_database(server) as url, open_ledger(url) as ledger:
        claims = [uuid.uuid4() for _ in range(args.events // 10)]
        rows = [
            StoredEvent(claim, version, TOPIC, b'{"note":"x"}')
            for version in range(1, 11)
            for claim in claims
        ]
        for start in range(0, len(rows), 500):
            ledger.recorder.insert_events(rows[start : start + 500])
        tables = LedgerTables.of(ledger)
        with psycopg.connect(url, autocommit=True) as conn:
            write_checkpoints(conn, tables, KEY, args.per_checkpoint)
            head = log_head(conn, tables)
            for _ in range(args.runs):
                verify_ledger(conn, tables, KEY.public_key(), from_position=max(head - 5, 1))
            started = time.perf_counter()
            whole = verify_ledger(conn, tables, KEY.public_key())
            whole_seconds = time.perf_counter() - started
            timings = []
            for _ in range(20):
                with conn.transaction():
                    started = time.perf_counter()
                    fault = completeness_fault(conn, log_head(conn, tables), KEY.public_key())
                    timings.append(time.perf_counter() - started)
            assert fault is None and whole.intact, whole.summary()
            counted = conn.execute(
                "SELECT (SELECT count(*) FROM ledger.checkpoints), "
                "(SELECT count(*) FROM ledger.verifications)"
            ).fetchone()
        appends = lock_check_cost(url, ledger, args.appends, args.rounds)
    assert counted is not None
    print(
        f"{head:,} events, {counted[0]:,} checkpoints, {counted[1]:,} verification runs: "
        f"length checks median {statistics.median(timings) * 1000:.1f} ms; "
        f"whole verification {whole_seconds:.2f} s ({whole.events_per_second:,.0f} events/s)"
    )
    print(
        f"one-event appends/s, median of {args.rounds * 2} rounds of {args.appends}: "
        f"refusing unlocked INSERTs {appends['with']:,.0f}, not {appends['without']:,.0f} "
        f"({appends['with'] / appends['without']:.2f}×)"
    )


if __name__ == "__main__":
    main()
