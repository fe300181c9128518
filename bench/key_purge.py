"""How long erasure's purge of the key table takes (``VACUUM (FULL) privacy.customer_keys``),
during which reports that make a customer's first key wait for the table.

    python -m bench.key_purge --customers 10000 100000 --rounds 3

For each table size: the table is filled with wrapped keys (one row per
customer, as the service writes them), one customer is erased, and
``PostgresCustomerKeys.purge_old_versions`` is timed (the wait for older
transactions included: none run here). The median of the rounds is reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime

import psycopg

from bench.common import RESULTS, open_ledger, scratch_database, server_facts, server_url
from storage.customer_keys import PostgresCustomerKeys
from storage.recorder import datastore_of

FILL = (
    "INSERT INTO privacy.customer_keys (customer_id, wrapped_key, master_key_id)"
    " SELECT 'bench-' || n, decode(md5(n::text) || md5(n::text || 'k') || md5('x' || n), 'hex'),"
    " %s FROM generate_series(1, %s) AS n"
)


def purge_case(url: str, customers: int, rounds: int) -> dict[str, float]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE privacy.customer_claims, privacy.customer_keys")
    with open_ledger(url) as ledger:
        keys = PostgresCustomerKeys(datastore_of(ledger), bytes(32))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(FILL, (keys.master_key_id, customers))
            conn.execute("VACUUM ANALYZE privacy.customer_keys")
            size = conn.execute("SELECT pg_total_relation_size('privacy.customer_keys')").fetchone()
        timings = []
        for n in range(rounds):
            started = time.perf_counter()
            keys.erase(f"bench-{n + 1}", "bench", datetime.now(UTC))  # the update and the purge
            timings.append(time.perf_counter() - started)
    assert size is not None
    return {
        "customers": customers,
        "table_mb": round(size[0] / 2**20, 1),
        "erase_with_purge_s_median": round(statistics.median(timings), 3),
        "erase_with_purge_s_max": round(max(timings), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server, _ = server_url()
    with scratch_database(server) as url:
        cases = [purge_case(url, n, args.rounds) for n in args.customers]
        results = {"database": server_facts(url), "cases": cases}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "key_purge.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(cases, indent=2))


if __name__ == "__main__":
    main()
