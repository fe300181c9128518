"""Append: ledger commands/s against raw single-row INSERTs and a CRUD baseline.

    python -m bench.append [--seconds 10] [--rounds 3] [--clients 1 4 8]

On a fresh database, at each concurrency (client threads), alternating:

- **ledger**: ``ClaimsLedger.command(Claim.add_note, …)`` on claims reported
  beforehand (each thread its own claims): load (aggregate cache,
  fast-forwarded), check, append one event;
- **ledger without group commit**: the same ledger with each command saved in
  its own transaction (the library's path; the "before" of group commit);
- **raw insert**: one ``INSERT`` per transaction of the same bytes (the stored
  note event) into a table shaped like the events table;
- **crud**: what an ERP add-on does: ``UPDATE`` the claim's row and
  ``INSERT`` an audit row, in one transaction.

During every run a tailing reader (``tests.support.tailing``) follows the table by its
sequence and counts rows that became visible after a higher id was read
("gaps"): the ledger must show none; plain INSERTs may.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import psycopg

from bench.common import (
    EVENTS_TABLE,
    alternate,
    open_ledger,
    scratch_database,
    server_url,
    without_group_commit,
)
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from tests.support.tailing import TailingReader

AGENT = Actor("bench-agent", Role.AGENT)
NOTE = "客户来电询问维修进度"
CLAIMS_PER_CLIENT = 50
TABLES = """
CREATE TABLE raw_events (
  originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, state bytea,
  notification_id bigserial, PRIMARY KEY (originator_id, originator_version));
CREATE UNIQUE INDEX ON raw_events (notification_id);
CREATE TABLE crud_claims (
  id uuid PRIMARY KEY, status text NOT NULL, note_count int NOT NULL DEFAULT 0,
  version int NOT NULL DEFAULT 1, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE crud_audit (
  id bigserial PRIMARY KEY, claim_id uuid NOT NULL, action text NOT NULL,
  actor text NOT NULL, payload bytea, at timestamptz NOT NULL DEFAULT now());
"""


def report_claims(ledger: ClaimsLedger, count: int) -> list[UUID]:
    """Reports ``count`` claims through the application (customers sealed as usual)."""
    return [
        ledger.report(
            AGENT,
            claim_number=f"APPEND-{uuid4().hex[:12]}",
            kind=ClaimKind.REPAIR,
            channel=Channel.PHONE,
            customer=Customer("客户", phone="13800000000", region="广东"),
            items=(Item("XD-450", "lighting", serial_no="SN1"),),
            purchase=Purchase(date.today()),
            requested_remedy=None,
            description="不亮",
        ).claim_id
        for _ in range(count)
    ]


def note_bytes(ledger: ClaimsLedger, claim_id: UUID) -> tuple[str, bytes]:
    """The topic and stored bytes of one note event: what the raw baselines write."""
    claim = ledger.get_claim(claim_id)
    claim.add_note(AGENT, ledger.clock(), NOTE)
    stored = ledger.mapper.to_stored_event(claim.collect_events()[0])
    return stored.topic, stored.state


def drive(clients: int, seconds: float, work: Callable[[int, int], None]) -> int:
    """Runs ``work(client, n)`` in ``clients`` threads for ``seconds``; returns calls done."""
    counts = [0] * clients
    stop = threading.Event()
    errors: list[BaseException] = []

    def client(index: int) -> None:
        try:
            while not stop.is_set():
                work(index, counts[index])
                counts[index] += 1
        except BaseException as error:  # a failed run must not look like a slow one
            errors.append(error)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(counts)


def measured(
    url: str,
    table: str,
    column: str,
    clients: int,
    seconds: float,
    work: Callable[[int, int], None],
) -> dict[str, Any]:
    with TailingReader(url, table, column) as reader:
        started = time.perf_counter()
        done = drive(clients, seconds, work)
        elapsed = time.perf_counter() - started
    return {"rate": done / elapsed, "commands": done, "gaps": reader.missed()}


def run(
    server: str, seconds: float = 10, rounds: int = 3, levels: tuple[int, ...] = (1, 4, 8)
) -> dict[str, Any]:
    """Every case at every concurrency, alternating; medians and every run."""
    results: dict[str, Any] = {"seconds_per_run": seconds, "rounds": rounds, "levels": {}}
    pool = max(levels) + 2
    with (
        scratch_database(server) as url,
        open_ledger(url, pool_size=pool) as ledger,
        open_ledger(url, pool_size=pool) as one_by_one,
    ):
        without_group_commit(one_by_one)
        # Two sets of claims: the two ledger instances never write the same claim (a
        # claim's cached state in one instance would go stale under the other's writes).
        claims = report_claims(ledger, 2 * CLAIMS_PER_CLIENT * max(levels))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(TABLES)
            conn.execute(
                "INSERT INTO crud_claims (id, status) SELECT unnest(%s::uuid[]), 'reported'",
                (claims,),
            )
        for clients in levels:
            level = measure_level(url, (ledger, one_by_one), claims, clients, seconds, rounds)
            results["levels"][str(clients)] = level
            print(
                f"append, {clients} clients: ledger {level['ledger']['median']['rate']:,.0f}/s, "
                f"{level['ledger_vs_raw_insert']:.2f}× raw insert, "
                f"{level['ledger_vs_crud']:.2f}× crud, gaps {level['ledger_gaps_seen']}",
                flush=True,
            )
    return results


def measure_level(
    url: str,
    ledgers: tuple[ClaimsLedger, ClaimsLedger],
    claims: list[UUID],
    clients: int,
    seconds: float,
    rounds: int,
) -> dict[str, Any]:
    """The four cases at one concurrency, ``rounds`` times each, in turn."""
    ledger, one_by_one = ledgers
    topic, state = note_bytes(ledger, claims[0])
    half = len(claims) // 2
    mine = [claims[:half][i::clients] for i in range(clients)]
    theirs = [claims[half:][i::clients] for i in range(clients)]
    raw_ids = [uuid4() for _ in range(clients)]
    versions = [0] * clients
    conns = [psycopg.connect(url, autocommit=True) for _ in range(clients)]

    def ledger_note(client: int, n: int) -> None:
        ledger.command(Claim.add_note, mine[client][n % len(mine[client])], AGENT, text=NOTE)

    def one_by_one_note(client: int, n: int) -> None:
        claim_id = theirs[client][n % len(theirs[client])]
        one_by_one.command(Claim.add_note, claim_id, AGENT, text=NOTE)

    def raw_insert(client: int, n: int) -> None:
        versions[client] += 1
        conns[client].execute(
            "INSERT INTO raw_events (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)",
            (raw_ids[client], versions[client], topic, state),
            prepare=True,
        )

    def crud(client: int, n: int) -> None:
        claim_id = mine[client][n % len(mine[client])]
        conn = conns[client]
        with conn.transaction():
            conn.execute(
                "UPDATE crud_claims SET note_count = note_count + 1, "
                "version = version + 1, updated_at = now() WHERE id = %s",
                (claim_id,),
                prepare=True,
            )
            conn.execute(
                "INSERT INTO crud_audit (claim_id, action, actor, payload) "
                "VALUES (%s, 'add_note', %s, %s)",
                (claim_id, AGENT.user_id, state),
                prepare=True,
            )

    try:
        level: dict[str, Any] = alternate(
            rounds,
            {
                "ledger": lambda: measured(
                    url, EVENTS_TABLE, "notification_id", clients, seconds, ledger_note
                ),
                "ledger_without_group_commit": lambda: measured(
                    url, EVENTS_TABLE, "notification_id", clients, seconds, one_by_one_note
                ),
                "raw_insert": lambda: measured(
                    url, "raw_events", "notification_id", clients, seconds, raw_insert
                ),
                "crud": lambda: measured(url, "crud_audit", "id", clients, seconds, crud),
            },
        )
    finally:
        for conn in conns:
            conn.close()
    ledger_rate = level["ledger"]["median"]["rate"]
    level["ledger_vs_raw_insert"] = ledger_rate / level["raw_insert"]["median"]["rate"]
    level["ledger_vs_crud"] = ledger_rate / level["crud"]["median"]["rate"]
    before = level["ledger_without_group_commit"]
    level["without_group_commit_vs_raw_insert"] = (
        before["median"]["rate"] / level["raw_insert"]["median"]["rate"]
    )
    level["ledger_gaps_seen"] = sum(r["gaps"] for r in level["ledger"]["runs"] + before["runs"])
    return level


def rows(result: dict[str, Any]) -> list[list[str]]:
    """Markdown rows: measure, subject, baseline, ratio, target."""
    out = []
    for clients, level in result["levels"].items():
        ledger = level["ledger"]["median"]["rate"]
        raw = level["raw_insert"]["median"]
        crud = level["crud"]["median"]["rate"]
        target = "≥ 0.5×" if clients == "8" else ""
        out.append(
            [
                f"append, {clients} client(s): commands/s vs raw INSERT "
                f"(gaps seen: ledger {level['ledger_gaps_seen']}, raw {raw['gaps']})",
                f"{ledger:,.0f}",
                f"{raw['rate']:,.0f}",
                f"{level['ledger_vs_raw_insert']:.2f}×",
                target,
            ]
        )
        before = level["ledger_without_group_commit"]["median"]["rate"]
        out.append(
            [
                f"append, {clients} client(s): same, group commit bypassed (before)",
                f"{before:,.0f}",
                f"{raw['rate']:,.0f}",
                f"{level['without_group_commit_vs_raw_insert']:.2f}×",
                "",
            ]
        )
        out.append(
            [
                f"append, {clients} client(s): vs CRUD (UPDATE + audit INSERT)",
                f"{ledger:,.0f}",
                f"{crud:,.0f}",
                f"{level['ledger_vs_crud']:.2f}×",
                "",
            ]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    server, _ = server_url()
    result = run(server, args.seconds, args.rounds, tuple(args.clients))
    for row in rows(result):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
