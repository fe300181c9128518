"""The console's existing pages with many claims: p50/p95 per page, in-process.

    python -m bench.console_pages [--claims 10000] [--requests 100]

Reports ``--claims`` claims over the last 25 days, loads the demo beside them
(its claims carry decisions, explanations and repairs),
waits for the views, then asks for each page ``--requests`` times through the
app (FastAPI's TestClient: no network; the service's own code, templates and
database round trips) after a few warm-up requests, signed in as a supervisor
in Chinese. Runs on ``DATABASE_URL`` (else the embedded PostgreSQL), in a
scratch database. Figures go to the README; no test asserts them.
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from api.cli.demo import add_demo_staff, load_demo
from api.http.app import create_app
from api.service.runtime import Runtime
from api.settings import Settings
from bench.common import BENCH_DIR, percentile, scratch_database, server_url
from domain.claim import BUSINESS_TZ
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role

SUPERVISOR = "bench.supervisor"
AGENT = Actor("wang.fang", Role.AGENT)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGES = (
    "/ui/claims",
    "/ui/claims?status=reported&overdue=true",
    "/ui/claims?text=吸顶灯",
    "/ui/claims/{number}",
    "/ui/claims/LF-2026-0007",
    "/ui/sla",
    "/ui/trace?by=serial&key=LED9-0451",
    "/ui/trace?by=model&key=XD-450",
    "/ui/reports/monthly",
    "/ui/integrity",
)


def seed(runtime: Runtime, claims: int) -> str:
    """Reports the claims and loads the demo; one reported claim's number."""
    ledger = runtime.ledger
    now = datetime.now(BUSINESS_TZ)
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
        data={"csrf_token": match.group(1), "token": token, "next": "/ui/claims"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def timed(client: TestClient, path: str, requests: int) -> dict[str, float]:
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95)}


def run(server: str, claims: int, requests: int) -> dict[str, Any]:
    results: dict[str, Any] = {"claims": claims, "requests": requests, "pages": {}}
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
            for page in PAGES:
                path = page.format(number=number)
                results["pages"][page] = timed(client, path, requests)
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
    for page, figures in results["pages"].items():
        print(f"  {page:40} p50 {figures['p50_ms']:6.1f} ms   p95 {figures['p95_ms']:6.1f} ms")


if __name__ == "__main__":
    main()
