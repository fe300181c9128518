"""Every console page with many claims: p50/p95 per page, in-process.

    python -m bench.console_pages [--claims 10000] [--requests 100]

Reports ``--claims`` claims over the last 25 days (one in twenty assigned to
the signed-in supervisor, so their queue is full) and loads the demo beside
them (its claims carry decisions, explanations and repairs), waits for the
views, then asks for each page ``--requests`` times through the app
(FastAPI's TestClient: no network; the service's own code, templates and
database round trips) after a few warm-up requests, signed in as a supervisor
in Chinese. Every page is timed twice: right after the views caught up (the
planner's statistics as the catch-up left them) and again after an explicit
``ANALYZE`` of the views, so a plan that only holds with fresh statistics
shows. Runs on ``DATABASE_URL`` (else the embedded PostgreSQL), in a scratch
database. Figures go to the README; no test asserts them.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import psycopg
from fastapi.testclient import TestClient

from api.cli.demo import add_demo_staff, load_demo
from api.http.app import create_app
from api.service.runtime import Runtime
from api.settings import Settings
from bench.common import BENCH_DIR, percentile, scratch_database, server_url
from domain.claim import BUSINESS_TZ, Claim
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role, Team
from projections.engine.view import VIEWS_SCHEMA

SUPERVISOR = "bench.supervisor"
AGENT = Actor("wang.fang", Role.AGENT)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGES = (
    "/ui/home",
    "/ui/queue",
    "/ui/claims",
    "/ui/claims?status=reported&overdue=true",
    "/ui/claims?text=吸顶灯",
    "/ui/claims/{number}",
    "/ui/claims/LF-2026-0007",
    "/ui/claims/{number}/service-record",
    "/ui/new-claim",
    "/ui/sla",
    "/ui/trace?by=serial&key=LED9-0451",
    "/ui/trace?by=model&key=XD-450",
    "/ui/reports/monthly",
    "/ui/integrity",
    "/ui/stock",
    "/ui/access-log",
    "/ui/users",
    "/ui/webhooks",
    "/ui/downloads",
)


def seed(runtime: Runtime, claims: int) -> str:
    """Reports the claims (every 20th assigned to the supervisor) and loads the demo;
    one reported claim's number."""
    ledger = runtime.ledger
    now = datetime.now(BUSINESS_TZ)
    supervisor = Actor(SUPERVISOR, Role.SUPERVISOR)
    number = ""
    for n in range(claims):
        result = ledger.report(
            AGENT,
            claim_number=f"BENCH-{uuid4().hex[:10]}",
            occurred_at=now - timedelta(minutes=(claims - n) * 25 * 24 * 60 // claims),
            kind=ClaimKind.REPAIR,
            channel=Channel.PHONE,
            customer=Customer("客户", phone="13800000000", region="广东"),
            items=(Item("XD-450", "lighting", serial_no=f"SN-{n}", price=Decimal("399")),),
            purchase=Purchase(date.today() - timedelta(days=60)),
            requested_remedy=None,
            description="吸顶灯不亮",
        )
        number = result.claim_number
        if n % 20 == 0:
            ledger.command(
                Claim.assign, result.claim_id, supervisor,
                team=Team.TECHNICAL_SUPPORT, assignee=SUPERVISOR,
            )  # fmt: skip
    load_demo(ledger, datetime.now().astimezone())
    add_demo_staff(runtime.users)
    deadline = time.monotonic() + 900
    while runtime.view_lag() and time.monotonic() < deadline:
        time.sleep(0.5)
    return number


def signed_in(client: TestClient, token: str) -> None:
    client.cookies.set("sanbao_lang", "zh", path="/ui")
    form = client.get("/ui/sign-in")
    match = CSRF.search(form.text)
    assert match
    answer = client.post(
        "/ui/sign-in",
        data={"csrf_token": match.group(1), "token": token, "next": "/ui/home"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def timed(client: TestClient, path: str, requests: int) -> dict[str, float]:
    for _ in range(5):
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95)}


def analyzed(url: str) -> None:
    """Refreshes the planner's statistics of every view table."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT format('%%I.%%I', schemaname, relname) FROM pg_stat_user_tables"
            " WHERE schemaname = %s",
            (VIEWS_SCHEMA,),
        ).fetchall()
        for (table,) in tables:
            conn.execute(f"ANALYZE {table}")


def run(server: str, claims: int, requests: int) -> dict[str, Any]:
    results: dict[str, Any] = {"claims": claims, "requests": requests, "phases": {}}
    with scratch_database(server) as url:
        settings = Settings(DATABASE_URL=url, token_cache_seconds=0, data_dir=BENCH_DIR)  # type: ignore[call-arg]
        with TestClient(create_app(settings)) as client:
            runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
            assert runtime.wait_until_ready(60)
            token = runtime.users.add(SUPERVISOR, Role.SUPERVISOR, "周兰")
            started = time.perf_counter()
            number = seed(runtime, claims)
            results["seed_s"] = round(time.perf_counter() - started, 1)
            signed_in(client, token)
            for phase in ("after catch-up", "after ANALYZE"):
                if phase == "after ANALYZE":
                    analyzed(url)
                results["phases"][phase] = {
                    page: timed(client, page.format(number=number), requests) for page in PAGES
                }
                results["phases"][phase]["load_average"] = os.getloadavg()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    server, _ = server_url()
    results = run(server, args.claims, args.requests)
    print(f"{results['claims']:,} claims (seeded in {results['seed_s']} s), "
          f"{results['requests']} requests per page, in-process:")  # fmt: skip
    for phase, pages in results["phases"].items():
        load = ", ".join(f"{x:.1f}" for x in pages.pop("load_average"))
        print(f"{phase} (load average at the end {load}):")
        for page, figures in pages.items():
            print(f"  {page:42} p50 {figures['p50_ms']:6.1f} ms   p95 {figures['p95_ms']:6.1f} ms")


if __name__ == "__main__":
    main()
