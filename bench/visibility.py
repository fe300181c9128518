"""Read-your-writes latency: from a command's commit to the views having applied it.

    python -m bench.visibility --commands 500

Runs the view runner in-process (as the service does) and a PositionWatcher,
issues commands one after another on an idle machine and reports p50/p95/p99
of (a) commit → views reached the position, (b) command call → visible.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from datetime import date
from pathlib import Path

from api.service.database import start_embedded
from api.settings import eventsourcing_env
from bench.catch_up import RESULTS, drop_database, fresh_database, server_facts
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from projections.engine.watcher import PositionWatcher
from storage.migrations import migrate

AGENT = Actor("bench", Role.AGENT)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=500)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL") or start_embedded(Path(".sanbao-bench"))
    url = fresh_database(server)
    migrate(url)
    ledger = ClaimsLedger(env=eventsourcing_env(url, pool_size=4))
    runner = ViewRunner(ledger, build_views(ledger))
    thread = threading.Thread(target=runner.run_forever, daemon=True)
    thread.start()
    watcher = PositionWatcher(runner.connect_kwargs(), "public", [v.name for v in runner.views])
    watcher.start()
    claim = ledger.report(
        AGENT,
        claim_number="VIS-1",
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=Customer("客户", phone="1"),
        items=(Item("M", "lighting"),),
        purchase=Purchase(date.today()),
        requested_remedy=None,
        description="x",
    )
    watcher.wait(claim.position, timeout=10)
    after_commit, end_to_end = [], []
    for n in range(args.commands):
        called = time.perf_counter()
        result = ledger.command(Claim.add_note, claim.claim_id, AGENT, text=f"note {n}")
        committed = time.perf_counter()
        if not watcher.wait(result.position, timeout=5):
            raise SystemExit(f"position {result.position} not visible within 5 s")
        visible = time.perf_counter()
        after_commit.append((visible - committed) * 1000)
        end_to_end.append((visible - called) * 1000)
    watcher.stop()
    runner.stop()
    results = {
        "database": server_facts(url),
        "commands": args.commands,
        "commit_to_visible_ms": {
            p: percentile(after_commit, q) for p, q in (("p50", 50), ("p95", 95), ("p99", 99))
        },
        "call_to_visible_ms": {
            p: percentile(end_to_end, q) for p, q in (("p50", 50), ("p95", 95), ("p99", 99))
        },
        "mean_commit_to_visible_ms": statistics.fmean(after_commit),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "visibility.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    ledger.close()
    drop_database(server, url)


if __name__ == "__main__":
    main()
