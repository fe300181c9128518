"""Keyed commands: what recording the idempotency outcome with the events costs.

    python -m bench.keyed_commands [--seconds 5] [--rounds 3] [--clients 1 8]

On a fresh database, at each concurrency (client threads, each on claims of its
own), alternating, a note command (``ClaimsLedger.command(Claim.add_note, …)``):

- **plain**: no Idempotency-Key;
- **keyed, outcome after**: the key's row taken before and the answer stored after
  the command, as before exactly-once (the row is not touched in the events'
  transaction; a crash between the two could run the command twice);
- **keyed, outcome with the events**: the same, the command running as the keyed
  request (``storage.idempotency.running_keyed``), so the events' transaction
  locks the key's row and records the positions on it (the service's path).

Reports commands/s and p50/p99 latency per case (medians of the rounds).
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.append import AGENT, NOTE, drive, report_claims
from bench.common import (
    RESULTS,
    alternate,
    latency_ms,
    open_ledger,
    scratch_database,
    server_facts,
    server_url,
)
from domain.application import ClaimsLedger
from domain.claim import Claim
from storage.idempotency import (
    IdempotencyStore,
    KeyedRequest,
    StoredResponse,
    running_keyed,
)
from storage.recorder import datastore_of

CLAIMS_PER_CLIENT = 20
ANSWER = StoredResponse(200, {"content-type": "application/json"}, b'{"version": 2}')


def case(
    ledger: ClaimsLedger, claims: list[list[Any]], seconds: float, mode: str
) -> Callable[[], dict[str, Any]]:
    store = IdempotencyStore(datastore_of(ledger), 10, 60)

    def note(client: int, n: int) -> None:
        claim_id = claims[client][n % len(claims[client])]
        if mode == "plain":
            ledger.command(Claim.add_note, claim_id, AGENT, text=NOTE)
            return
        keyed = store.attempt("bench", uuid.uuid4().hex, "digest")
        assert isinstance(keyed, KeyedRequest)
        if mode == "with-events":
            with running_keyed(keyed):
                ledger.command(Claim.add_note, claim_id, AGENT, text=NOTE)
        else:
            ledger.command(Claim.add_note, claim_id, AGENT, text=NOTE)
        store.finish(keyed.ticket, ANSWER)

    def run() -> dict[str, Any]:
        samples: list[float] = []

        def timed(client: int, n: int) -> None:
            started = time.perf_counter()
            note(client, n)
            samples.append(time.perf_counter() - started)

        started = time.perf_counter()
        done = drive(len(claims), seconds, timed)
        return {"rate": done / (time.perf_counter() - started), **latency_ms(samples)}

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    server, _ = server_url()
    results: dict[str, Any] = {"server": server_facts(server), "levels": {}}
    with scratch_database(server) as url, open_ledger(url, pool_size=12) as ledger:
        for clients in args.clients:
            claims = [report_claims(ledger, CLAIMS_PER_CLIENT) for _ in range(clients)]
            cases = {
                mode: case(ledger, claims, args.seconds, mode)
                for mode in ("plain", "outcome-after", "with-events")
            }
            level = alternate(args.rounds, cases)
            results["levels"][clients] = level
            for mode, found in level.items():
                median = found["median"]
                print(
                    f"{clients} client(s) {mode:>14}: {median['rate']:7.0f} commands/s"
                    f"  p50 {median['p50_ms']:.2f} ms  p99 {median['p99_ms']:.2f} ms"
                )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "keyed_commands.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
