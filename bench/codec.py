"""The stored format's codec: the ledger's orjson transcoder against the library's.

    python -m bench.codec [--claims 2000] [--rounds 7]

Generated claims (10 events each, ``tests.support.generate``) and a snapshot of
each; per round, both transcoders (alternating) encode every event's and
snapshot's state and decode the library's bytes; then the stages that use the
codec, with a mapper on either transcoder: a new event stored
(``to_stored_event``, the end of every command), a stored event read
(``to_domain_event``, what the views' catch-up does per event), and the
import's check, fold and encode of each history line (``encode_chunk``). CPU
time per event or state (process time, so other work on the machine counts
less), best and median of the rounds. No database.
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
from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoder

from bench.common import RESULTS
from domain.application import ClaimsLedger
from domain.history_import import history_line
from domain.orjson_transcoder import OrjsonTranscoder
from storage import event_import
from tests.support.generate import build_claim


class Generated:
    """Generated claims: their events, snapshots and import lines."""

    def __init__(self, claims: int) -> None:
        ledger = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        rng = random.Random(3)
        start = datetime.now().astimezone() - timedelta(days=29)
        self.events: list[Any] = []
        self.snapshots: list[Any] = []
        self.lines: list[bytes] = []
        for n in range(claims):
            claim = build_claim(ledger, n, start + timedelta(seconds=n), rng)
            pending = claim.collect_events()
            self.events.extend(pending)
            self.snapshots.append(Snapshot.take(claim))
            self.lines.append(history_line(ledger.mapper.transcoder, pending))


def state(event: Any) -> dict[str, Any]:
    """What the mapper hands the transcoder."""
    return {
        k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")
    }


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
    generated = Generated(claims)
    kinds = {
        "event": [state(e) for e in generated.events],
        "snapshot": [state(s) for s in generated.snapshots],
    }
    for kind, items in kinds.items():
        stored = [library.encode(item) for item in items]
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
    results["stages"] = stages(generated, coders, rounds)
    return results


def stages(generated: Generated, coders: dict[str, Transcoder], rounds: int) -> dict[str, Any]:
    """The codec's stages, per event, with a mapper on either transcoder."""
    mappers = {name: Mapper[Any](transcoder=coder) for name, coder in coders.items()}
    rows = [mappers["library json"].to_stored_event(e) for e in generated.events]
    per_event = len(generated.events) / len(generated.lines)
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, mapper in mappers.items():
            times.setdefault(f"store {name}", []).append(
                cpu_us(mapper.to_stored_event, generated.events)
            )
            times.setdefault(f"read {name}", []).append(cpu_us(mapper.to_domain_event, rows))
            event_import._mapper = mapper
            line = cpu_us(lambda line: event_import.encode_chunk(1, [line]), generated.lines)
            times.setdefault(f"import {name}", []).append(line / per_event)
    return {k: {"best": min(v), "median": statistics.median(v)} for k, v in times.items()}


STAGES = {
    "store": "a new event stored (to_stored_event)",
    "read": "a stored event read (to_domain_event: catch-up, loads)",
    "import": "import: check, fold, encode, per event (encode_chunk)",
}


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
    us = result["stages"]
    for stage, label in STAGES.items():
        old, new = us[f"{stage} library json"]["median"], us[f"{stage} orjson"]["median"]
        out.append([f"{label}, µs CPU, median", f"{new:.1f}", f"{old:.1f}", f"{new / old:.2f}×"])
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
