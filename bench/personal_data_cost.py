"""What protecting personal data costs: reports/s with per-customer keys and with the payload
cipher, claim reads/s with the access log, and the time to erase a customer.

    python -m bench.personal_data_cost --reports 400 --reads 400 --rounds 3

One client thread, as the service's command path runs it (no HTTP). Cases are
alternated round by round; each case's median run is reported:

- reports with keys in memory (sealing only: the cost without the key table),
  with keys in PostgreSQL (the service: one key upsert and claim link per report),
  and with keys in PostgreSQL plus the payload cipher (``SANBAO_CIPHER_KEY``);
- claim reads by a role that sees no personal data (nothing opened or logged),
  by one that sees it masked (key read, decryption, access-log row committed),
  and reveals (the purpose, and the hourly limit of 60 counted under the user's
  lock before the row: users change every 50 reveals, so none reaches it).
"""

from __future__ import annotations

import argparse
import base64
import json
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, timedelta
from typing import Any

from api.http.disclosure import RevealRequest, disclose_customer
from api.service.bootstrap import build_ledger
from api.service.database import Database
from api.settings import Settings
from bench.common import (
    BENCH_DIR,
    RESULTS,
    alternate,
    latency_ms,
    scratch_database,
    server_facts,
    server_url,
)
from domain.application import ClaimsLedger
from domain.erasure import erase_customer
from domain.personal_data import CustomerKeys, EphemeralCustomerKeys
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from storage.users import User

AGENT = Actor("bench-agent", Role.AGENT)
CIPHER_KEY = base64.b64encode(bytes(range(32))).decode()


def ledger_on(url: str, cipher: bool) -> ClaimsLedger:
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=url, data_dir=BENCH_DIR, cipher_key=CIPHER_KEY if cipher else None
    )
    return build_ledger(settings, Database(url, embedded=False))


def report(ledger: ClaimsLedger, customer_id: str = "") -> Any:
    token = uuid.uuid4().hex[:12]
    return ledger.report(
        AGENT,
        claim_number=f"PD-{token}",
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=Customer(
            name="客户", phone=f"138{int(token[:7], 16) % 10**8:08d}", customer_id=customer_id
        ),
        items=(Item("XD-450", "lighting"),),
        purchase=Purchase(date.today() - timedelta(days=3)),
        requested_remedy=None,
        description="不亮",
    )


def reports_case(ledger: ClaimsLedger, keys: CustomerKeys, count: int) -> Callable[[], dict]:
    def run() -> dict[str, Any]:
        ledger.customer_keys = keys
        samples = []
        started = time.perf_counter()
        for _ in range(count):
            begun = time.perf_counter()
            report(ledger)
            samples.append(time.perf_counter() - begun)
        return {"rate": count / (time.perf_counter() - started), **latency_ms(samples)}

    return run


def reads_case(
    ledger: ClaimsLedger, role: Role, claims: list[Any], count: int, reveal: bool = False
) -> Callable[[], dict]:
    user = User(f"bench.{role.value}", role)
    route = "GET /api/v1/claims/{claim_id}"
    asked = RevealRequest("contact_customer", 60) if reveal else None

    def run() -> dict[str, Any]:
        samples = []
        users = [User(f"bench.{uuid.uuid4().hex[:8]}", role) for _ in range(count // 50 + 1)]
        started = time.perf_counter()
        for n in range(count):
            begun = time.perf_counter()
            claim = ledger.get_claim(claims[n % len(claims)].claim_id)
            reader = users[n // 50] if reveal else user
            disclose_customer(ledger, reader, claim, route, asked)
            samples.append(time.perf_counter() - begun)
        return {"rate": count / (time.perf_counter() - started), **latency_ms(samples)}

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--reads", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server, _ = server_url()
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(server))
        cipher_url = stack.enter_context(scratch_database(server))
        ledger = ledger_on(url, cipher=False)
        stack.callback(ledger.close)
        enciphered = ledger_on(cipher_url, cipher=True)
        stack.callback(enciphered.close)
        keys_in_postgres = ledger.customer_keys
        reports = alternate(
            args.rounds,
            {
                "keys_in_memory": reports_case(ledger, EphemeralCustomerKeys(), args.reports),
                "keys_in_postgres": reports_case(ledger, keys_in_postgres, args.reports),
                "keys_in_postgres_and_cipher": reports_case(
                    enciphered, enciphered.customer_keys, args.reports
                ),
            },
        )
        ledger.customer_keys = keys_in_postgres
        claims = [report(ledger) for _ in range(50)]
        reads = alternate(
            args.rounds,
            {
                "withheld_technician": reads_case(ledger, Role.TECHNICIAN, claims, args.reads),
                "masked_agent_logged": reads_case(ledger, Role.AGENT, claims, args.reads),
                "revealed_agent_purpose_and_limit": reads_case(
                    ledger, Role.AGENT, claims, args.reads, reveal=True
                ),
            },
        )
        for _ in range(20):
            report(ledger, customer_id="bench-customer")
        started = time.perf_counter()
        erasure = erase_customer(ledger, "bench-customer", Actor("bench-boss", Role.SUPERVISOR))
        erase_seconds = time.perf_counter() - started
        results = {
            "database": server_facts(url),
            "reports_per_s": reports,
            "claim_reads_per_s": reads,
            "erase_customer_with_20_claims_s": erase_seconds,
            "erased_claims": len(erasure.claims),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "personal_data.json").write_text(json.dumps(results, indent=2, default=str))
    summary = {
        "reports/s": {k: round(v["median"]["rate"]) for k, v in reports.items()},
        "claim reads/s": {k: round(v["median"]["rate"]) for k, v in reads.items()},
        "erase (20 claims) s": round(erase_seconds, 3),
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
