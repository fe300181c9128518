"""Events out: the feed's read rate against what reaches NATS JetStream and a webhook receiver.

    python -m bench.outlets --claims 1000

Creates a fresh database on ``DATABASE_URL`` (or the embedded PostgreSQL),
generates ``--claims`` claims (ten events each) through the domain model, then
measures, in one run on the same events:

- raw paging: ``SELECT … ORDER BY notification_id LIMIT 1000``, nothing decoded;
- the feed: ``EventFeed.page`` (decoded and presented as the public contract,
  claim numbers from a cold cache), pages of 1000;
- NATS: ``sanbao publish nats --once`` to a stream of its own on the machine's
  server (``--nats``, default nats://127.0.0.1:4222), each event acknowledged;
- a webhook: one subscription to a local receiver (standard library HTTP server
  answering 204), each event signed, sent and logged in order.

Writes ``bench/results/outlets.json`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import nats
import psycopg

from api.service.nats_publisher import NatsPublisher, NatsTarget
from api.service.webhook_deliveries import WebhookDispatcher
from api.settings import Settings
from bench.common import BENCH_DIR, RESULTS, open_ledger, scratch_database, server_facts, server_url
from domain.application import ClaimsLedger
from projections.feed.reader import EventFeed
from storage.recorder import recorder_of
from tests.support.generate import generate
from tests.support.webhook_receiver import Received, webhook_receiver


def raw_paging(url: str, table: str) -> float:
    """Events/s reading the events table in pages of 1000, nothing decoded."""
    started, after, count = time.perf_counter(), 0, 0
    query = f"SELECT notification_id, state FROM {table} WHERE notification_id > %s "
    query += "ORDER BY notification_id LIMIT 1000"
    with psycopg.connect(url) as conn:
        while rows := conn.execute(query, (after,)).fetchall():  # type: ignore[arg-type]
            after, count = rows[-1][0], count + len(rows)
    return count / (time.perf_counter() - started)


def feed_rate(ledger: ClaimsLedger) -> float:
    feed, after, count = EventFeed(ledger), 0, 0
    head = feed.head()
    started = time.perf_counter()
    while after < head:
        page = feed.page(after, 1000)
        after, count = page.next_after, count + len(page.events)
    return count / (time.perf_counter() - started)


def nats_rate(ledger: ClaimsLedger, url: str) -> float | None:
    """Events/s published and acknowledged; None when no NATS server answers."""
    stream = f"SANBAO_BENCH_{uuid.uuid4().hex[:8].upper()}"
    target = NatsTarget(url, stream, f"bench{uuid.uuid4().hex[:8]}.sanbao.claims")
    try:
        started = time.perf_counter()
        count = asyncio.run(NatsPublisher(ledger, target).run(threading.Event(), once=True))
        rate = count / (time.perf_counter() - started)
    except (OSError, nats.errors.Error):
        return None
    asyncio.run(_delete_stream(url, stream))
    return rate


async def _delete_stream(url: str, stream: str) -> None:
    client = await nats.connect(url)
    try:
        await client.jetstream().delete_stream(stream)
    finally:
        await client.close()


def webhook_rate(ledger: ClaimsLedger, database_url: str, data_dir: Path) -> float:
    """Events/s delivered to a local receiver, signed, in order, each logged."""
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=database_url, data_dir=data_dir, webhook_allow_private=True
    )
    dispatcher = WebhookDispatcher(ledger, settings)
    received = Received()
    try:
        with webhook_receiver(received) as url:
            webhook, _ = dispatcher.store.create(url, [], "bench", 0)
            head = dispatcher.feed.head()
            started = time.perf_counter()
            while dispatcher.store.get(webhook.id).position < head:
                dispatcher.run_once()
            elapsed = time.perf_counter() - started
    finally:
        dispatcher.close()
    return len(received.accepted()) / elapsed


def run(server: str, claims: int, nats_url: str, embedded: bool) -> dict[str, Any]:
    with scratch_database(server) as url, open_ledger(url) as ledger:
        for _ in generate(ledger, claims):
            pass
        recorder = recorder_of(ledger)
        table = f"{recorder.datastore.schema or 'public'}.{recorder.events_table_name}"
        events = ledger.recorder.max_notification_id() or 0
        raw = raw_paging(url, table)
        feed = feed_rate(ledger)
        to_nats = nats_rate(ledger, nats_url)
        to_webhook = webhook_rate(ledger, url, BENCH_DIR)
        return {
            "events": events,
            "embedded": embedded,
            "database": server_facts(url),
            "raw_paging_events_per_s": raw,
            "feed_events_per_s": feed,
            "nats_events_per_s": to_nats,
            "webhook_events_per_s": to_webhook,
        }


def table(r: dict[str, Any]) -> str:
    db = r["database"]
    nats_rate_ = r["nats_events_per_s"]
    to_nats = f"{nats_rate_:,.0f}" if nats_rate_ else "no NATS server"
    feed = r["feed_events_per_s"]
    return "\n".join(
        [
            f"PostgreSQL {db['server_version']} ({'embedded' if r['embedded'] else 'server'}), "
            f"synchronous_commit={db['synchronous_commit']}; {r['events']:,} events, "
            f"{db['cpu_count']} cores",
            "",
            "| outlet | events/s | share of the feed's rate |",
            "|---|---:|---:|",
            f"| raw paging of the events table | {r['raw_paging_events_per_s']:,.0f} | |",
            f"| the feed (`GET /api/v1/events`' reader) | {feed:,.0f} | 100 % |",
            f"| NATS JetStream, each acknowledged | {to_nats} | "
            + (f"{nats_rate_ / feed:.0%} |" if nats_rate_ else "|"),
            f"| one webhook, local receiver | {r['webhook_events_per_s']:,.0f} | "
            f"{r['webhook_events_per_s'] / feed:.0%} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--nats", default="nats://127.0.0.1:4222")
    args = parser.parse_args()
    server, embedded = server_url()
    results = run(server, args.claims, args.nats, embedded)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "outlets.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(table(results))


if __name__ == "__main__":
    main()
