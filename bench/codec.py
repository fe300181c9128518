"""The stored format's codec alone: the ledger's orjson transcoder against the library's.

    python -m bench.codec [--claims 2000] [--rounds 7]

Generated claims (10 events each, ``tests.support.generate``) and a snapshot of
each; per round, both transcoders (alternating) encode every event's and
snapshot's state and decode the library's bytes. CPU time per state (process
time, so other work on the machine counts less), best and median of the
rounds. No database.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import JSONTranscoder, Transcoder

from bench.common import RESULTS
from domain.application import ClaimsLedger
from domain.orjson_transcoder import OrjsonTranscoder
from tests.support.generate import build_claim


def states(claims: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The states the mapper hands the transcoder: events', and snapshots'."""
    ledger = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    rng = random.Random(3)
    start = datetime.now().astimezone() - timedelta(days=29)
    events: list[dict[str, Any]] = []
    snapshots: list[dict[str, Any]] = []
    for n in range(claims):
        claim = build_claim(ledger, n, start + timedelta(seconds=n), rng)
        for event in [*claim.collect_events(), Snapshot.take(claim)]:
            state = {
                k: v
                for k, v in vars(event).items()
                if k not in ("originator_id", "originator_version")
            }
            (snapshots if isinstance(event, Snapshot) else events).append(state)
    return events, snapshots


def cpu_us(step: Callable[[Any], object], inputs: list[Any]) -> float:
    """CPU time of ``step`` per input, in µs."""
    started = time.process_time()
    for value in inputs:
        step(value)
    return (time.process_time() - started) / len(inputs) * 1e6


def run(claims: int, rounds: int) -> dict[str, Any]:
    library = JSONTranscoder()
    ledger = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    ledger.register_transcodings(library)
    coders: dict[str, Transcoder] = {"library json": library, "orjson": ledger.mapper.transcoder}
    assert isinstance(coders["orjson"], OrjsonTranscoder)
    results: dict[str, Any] = {"claims": claims, "rounds": rounds}
    for kind, items in zip(("event", "snapshot"), states(claims), strict=True):
        stored = [library.encode(state) for state in items]
        times: dict[str, list[float]] = {}
        for _ in range(rounds):
            for name, coder in coders.items():
                times.setdefault(f"{name} encode", []).append(cpu_us(coder.encode, items))
                times.setdefault(f"{name} decode", []).append(cpu_us(coder.decode, stored))
        results[kind] = {
            "count": len(items),
            "bytes": statistics.mean(map(len, stored)),
            "us": {k: {"best": min(v), "median": statistics.median(v)} for k, v in times.items()},
        }
    return results


def rows(result: dict[str, Any]) -> list[list[str]]:
    out = []
    for kind in ("event", "snapshot"):
        us = result[kind]["us"]
        for op in ("encode", "decode"):
            old, new = us[f"library json {op}"]["median"], us[f"orjson {op}"]["median"]
            out.append(
                [
                    f"{kind} {op} ({result[kind]['bytes']:.0f} bytes), µs CPU, median",
                    f"{new:.1f}",
                    f"{old:.1f}",
                    f"{new / old:.2f}×",
                ]
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    result = run(args.claims, args.rounds)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "codec.json").write_text(json.dumps(result, indent=2))
    print("| measure | orjson | library json | ratio |\n|---|---:|---:|---:|")
    for row in rows(result):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
