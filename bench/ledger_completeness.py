"""What the ledger's length checks cost verification, with many checkpoints and runs.

    python -m bench.ledger_completeness --events 100000 --per-checkpoint 10 --runs 1000

On a fresh database (``DATABASE_URL`` or the embedded PostgreSQL): writes
``--events`` raw events (500 per save, through the ledger's recorder and chain),
signs a checkpoint every ``--per-checkpoint`` events (a worst case: the default
is 10,000), records ``--runs`` verification runs, then times the length checks
(``storage.ledger_completeness``: checkpoints beyond the head, gaps, earlier
runs) 20 times, and one whole verification for comparison. Prints one line.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-checkpoint", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1000)
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
    assert counted is not None
    print(
        f"{head:,} events, {counted[0]:,} checkpoints, {counted[1]:,} verification runs: "
        f"length checks median {statistics.median(timings) * 1000:.1f} ms; "
        f"whole verification {whole_seconds:.2f} s ({whole.events_per_second:,.0f} events/s)"
    )


if __name__ == "__main__":
    main()
