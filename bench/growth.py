"""Growth: claim load p99 and list-query p99 as the ledger grows.

    python -m bench.growth --sizes 100000 1000000 [--samples 300]

One database grows through each size (generated claims of 10 events, views
caught up); at each size the same measures are taken: loading a random claim
(repository without the aggregate cache, with snapshots, as a cold service
loads it) and the claims list (``projections.claims.claims_queries.list_claims``):
the first page of 50, and a page filtered by region and model. The work per
request does not grow with the log, so neither should the latency.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

import psycopg
from eventsourcing.application import Repository

from bench.common import latency_ms, open_ledger, scratch_database, server_url
from projections.claims.claims_queries import ClaimFilters, list_claims
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from tests.support.generate import MODELS, REGIONS, generate


def sampled(samples: int, call: Any) -> dict[str, float]:
    times = []
    for n in range(samples):
        started = time.perf_counter()
        call(n)
        times.append(time.perf_counter() - started)
    return latency_ms(times)


def measure(url: str, ledger: Any, samples: int, rng: random.Random) -> dict[str, Any]:
    """Claim loads and list pages, ``samples`` of each, on the ledger as it is now."""
    with psycopg.connect(url) as conn:
        ids = [r[0] for r in conn.execute("SELECT claim_id FROM views.claims")]
        repository = Repository(event_store=ledger.events, snapshot_store=ledger.snapshots)
        filters = ClaimFilters(region=REGIONS[1], model=MODELS[3][0])
        return {
            "claim_load": sampled(samples, lambda _: repository.get(rng.choice(ids))),
            "list_first_page": sampled(
                samples, lambda _: list_claims(conn, ClaimFilters(), None, 50)
            ),
            "list_filtered_page": sampled(samples, lambda _: list_claims(conn, filters, None, 50)),
        }


def run(server: str, sizes: tuple[int, ...], samples: int = 300) -> dict[str, Any]:
    results: dict[str, Any] = {"samples": samples, "sizes": {}}
    rng = random.Random(1)
    with scratch_database(server) as url, open_ledger(url, pool_size=4) as ledger:
        saved = 0
        claims = generate(ledger, claims=max(sizes) // 10)
        for size in sorted(sizes):
            while saved < size:
                saved = next(claims)
            ViewRunner(ledger, build_views(ledger)).catch_up()
            measures = measure(url, ledger, samples, rng)
            results["sizes"][str(size)] = {"events": saved, **measures}
            print(
                f"growth at {saved:,} events: "
                + ", ".join(f"{k} p99 {v['p99_ms']:.2f} ms" for k, v in measures.items()),
                flush=True,
            )
    return results


def rows(result: dict[str, Any]) -> list[list[str]]:
    sizes = list(result["sizes"].values())
    first, last = sizes[0], sizes[-1]
    out = []
    for name in ("claim_load", "list_first_page", "list_filtered_page"):
        a, b = first[name], last[name]
        out.append(
            [
                f"growth: {name.replace('_', ' ')} p50 / p99 ms at {last['events']:,} events "
                f"vs at {first['events']:,}",
                f"{b['p50_ms']:.2f} / {b['p99_ms']:.2f}",
                f"{a['p50_ms']:.2f} / {a['p99_ms']:.2f}",
                f"{b['p99_ms'] / a['p99_ms']:.2f}× (p99)",
                "flat (≈ 1×)",
            ]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    server, _ = server_url()
    for row in rows(run(server, tuple(args.sizes), args.samples)):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
