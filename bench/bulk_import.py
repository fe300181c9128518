"""Bulk import: ``sanbao import``'s path (events/s) against raw COPY of the same rows.

    python -m bench.bulk_import --claims 100000 [--rounds 3]

Writes a history file of generated claims (10 events each, the import format
of ``domain.history_import``) and, from it once, the same rows already encoded
as a binary COPY file. Then, per round, in a fresh database opened as the
service opens it (hash chain trigger attached):

- **import**: ``api.cli.import_claims.import_history`` (read, check, fold, encode in
  worker processes, COPY under the event store's table lock, trigger fires);
- **import, chain trigger disabled**: a diagnostic, to show what the hash
  chain's trigger costs (never how the product runs);
- **restore of a ledger dump**: the same events dumped by ``sanbao ledger dump``
  from an imported ledger, restored by ``sanbao import DUMP``'s path
  (``storage.dump_restore.restore_dump``: rows trusted once their log hash
  matches the signed checkpoint, COPYed without decoding, chain trigger fires);
- **raw COPY**: the encoded rows streamed in one ``COPY … (FORMAT BINARY)`` into
  a plain table with the same columns and indexes (no lock, no trigger).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.cli.import_claims import import_history
from bench.common import alternate, open_ledger, scratch_database, server_url
from domain.application import ClaimsLedger
from domain.history_import import history_line
from storage.checkpoint_store import latest_checkpoint, write_checkpoints
from storage.dump_restore import COPY_END, COPY_HEADER, binary_copy_rows, restore_dump
from storage.event_import import encode_chunk, start_encoder
from storage.hash_chain import LedgerTables
from storage.ledger_dump import write_dump
from tests.support.generate import build_claim

PLAIN = """
CREATE TABLE plain_events (
  originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, state bytea,
  notification_id bigserial, PRIMARY KEY (originator_id, originator_version));
CREATE UNIQUE INDEX ON plain_events (notification_id);
"""
DISABLE_CHAIN = """
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'ledger_chain_append') THEN
    ALTER TABLE sanbaoledger_events DISABLE TRIGGER ledger_chain_append;
  END IF;
END $$"""
DUMP_KEY = Ed25519PrivateKey.generate()


def write_history(path: Path, claims: int) -> int:
    """Generated claims as import lines; returns the number of events."""
    ledger = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    rng = random.Random(3)
    start = datetime.now().astimezone() - timedelta(days=29)
    events = 0
    with path.open("wb") as out:
        for n in range(claims):
            claim = build_claim(ledger, n, start + timedelta(seconds=n), rng)
            pending = claim.collect_events()
            out.write(history_line(ledger.mapper.transcoder, pending) + b"\n")
            events += len(pending)
    return events


def write_copy_file(history: Path, target: Path, env: dict[str, str]) -> None:
    """The history's rows, encoded as the import encodes them, in COPY's binary format."""
    start_encoder(env)
    with history.open("rb") as lines, target.open("wb") as out:
        out.write(COPY_HEADER)
        batch: list[bytes] = []
        for line in lines:
            batch.append(line)
            if len(batch) == 500:
                _write_rows(out, batch)
                batch = []
        _write_rows(out, batch)
        out.write(COPY_END)


def _write_rows(out: Any, lines: list[bytes]) -> None:
    chunk = encode_chunk(1, lines)
    assert chunk.error is None, chunk.error
    for claim_rows in chunk.rows:
        out.write(binary_copy_rows(claim_rows))


def raw_copy(url: str, copy_file: Path, events: int) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        conn.execute(PLAIN)
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY plain_events (originator_id, originator_version, topic, state) "
                "FROM STDIN (FORMAT BINARY)"
            ) as copy,
            copy_file.open("rb") as data,
        ):
            while block := data.read(1 << 20):
                copy.write(block)
        conn.commit()
        elapsed = time.perf_counter() - started
        count = conn.execute("SELECT count(*) FROM plain_events").fetchone()
    assert count and count[0] == events, (count, events)
    return {"rate": events / elapsed, "seconds": elapsed}


def imported(url: str, history: Path, events: int, chain: bool = True) -> dict[str, Any]:
    with open_ledger(url, pool_size=2) as ledger:
        if not chain:  # diagnostic: what the import path costs without the hash chain
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(DISABLE_CHAIN)
        started = time.perf_counter()
        summary = import_history(ledger, history)
        elapsed = time.perf_counter() - started
        assert summary.error is None and summary.events == events, summary
    return {"rate": events / elapsed, "seconds": elapsed}


def write_ledger_dump(server: str, history: Path, dump: Path) -> None:
    """Imports the history once, signs it and dumps it (as ``sanbao ledger dump`` does)."""
    with scratch_database(server) as url, open_ledger(url, pool_size=2) as ledger:
        import_history(ledger, history)
        tables = LedgerTables.of(ledger)
        with psycopg.connect(url, autocommit=True) as conn, dump.open("wb") as out:
            write_checkpoints(conn, tables, DUMP_KEY)
            signed = latest_checkpoint(conn)
            assert signed is not None
            write_dump(conn, tables, signed, DUMP_KEY.public_key(), out)


def restored(url: str, dump: Path, events: int) -> dict[str, Any]:
    with open_ledger(url, pool_size=2) as ledger:
        started = time.perf_counter()
        count = restore_dump(ledger, dump, DUMP_KEY.public_key())
        elapsed = time.perf_counter() - started
    assert count == events, (count, events)
    return {"rate": events / elapsed, "seconds": elapsed}


def run(server: str, claims: int, rounds: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        history, copy_file = Path(folder) / "history.ndjson", Path(folder) / "rows.copy"
        dump = Path(folder) / "ledger.dump"
        events = write_history(history, claims)
        write_ledger_dump(server, history, dump)
        with scratch_database(server) as url, open_ledger(url, pool_size=2) as ledger:
            env = {k: v for k, v in ledger.env.items() if isinstance(v, str)}
        write_copy_file(history, copy_file, env)

        def one_import() -> dict[str, Any]:
            with scratch_database(server) as url:
                return imported(url, history, events)

        def one_import_unchained() -> dict[str, Any]:
            with scratch_database(server) as url:
                return imported(url, history, events, chain=False)

        def one_restore() -> dict[str, Any]:
            with scratch_database(server) as url:
                return restored(url, dump, events)

        def one_copy() -> dict[str, Any]:
            with scratch_database(server) as url:
                return raw_copy(url, copy_file, events)

        result: dict[str, Any] = alternate(
            rounds,
            {
                "import": one_import,
                "raw_copy": one_copy,
                "import_unchained": one_import_unchained,
                "restore": one_restore,
            },
        )
    result["claims"], result["events"] = claims, events
    copies = result["raw_copy"]["median"]["rate"]
    result["import_vs_copy"] = result["import"]["median"]["rate"] / copies
    result["unchained_vs_copy"] = result["import_unchained"]["median"]["rate"] / copies
    result["restore_vs_copy"] = result["restore"]["median"]["rate"] / copies
    print(
        f"bulk import: {result['import']['median']['rate']:,.0f} events/s, "
        f"{result['import_vs_copy']:.2f}× raw COPY; restore of a dump: "
        f"{result['restore']['median']['rate']:,.0f} events/s, "
        f"{result['restore_vs_copy']:.2f}× raw COPY",
        flush=True,
    )
    return result


def rows(result: dict[str, Any]) -> list[list[str]]:
    return [
        [
            f"bulk import, {result['claims']:,} claims / {result['events']:,} events: "
            "events/s vs raw COPY",
            f"{result['import']['median']['rate']:,.0f}",
            f"{result['raw_copy']['median']['rate']:,.0f}",
            f"{result['import_vs_copy']:.2f}×",
            "≥ 0.3×",
        ],
        [
            "restore of a ledger dump, same events (rows trusted by their hashes): "
            "events/s vs raw COPY",
            f"{result['restore']['median']['rate']:,.0f}",
            f"{result['raw_copy']['median']['rate']:,.0f}",
            f"{result['restore_vs_copy']:.2f}×",
            "≥ 0.3×",
        ],
        [
            "bulk import, same, hash-chain trigger disabled (diagnostic only)",
            f"{result['import_unchained']['median']['rate']:,.0f}",
            f"{result['raw_copy']['median']['rate']:,.0f}",
            f"{result['unchained_vs_copy']:.2f}×",
            "",
        ],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server, _ = server_url()
    result = run(server, args.claims, args.rounds)
    for row in rows(result):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
