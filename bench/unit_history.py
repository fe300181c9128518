"""What one history per unit costs a diagnosis: latency with and without the unit's history.

    python -m bench.unit_history --background 2000 --diagnoses 40 --rounds 3

The ledger as the service builds it (the trace view's serial index, the log's tail
after it), on a scratch database holding ``--background`` claims of other units with
the trace view caught up. One client thread times the ``diagnose`` command only
(the report before it, and the view applying it, are not timed). Cases, alternated
round by round:

- ``no serial``: an item without a serial number: no history is read (the baseline);
- ``new unit``: a serial no other claim names: one index query, an empty log tail;
- ``5 earlier claims``: a serial with five earlier repaired claims, each loaded;
- ``view 1,000 behind``: a new unit while the trace view lags 1,000 events, which
  the diagnosis reads from the log.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bench.common import RESULTS, alternate, latency_ms, open_ledger, scratch_database, server_url
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import Actor, Customer, Item, Purchase, RepairWork
from domain.vocabulary import Cause, Channel, ClaimKind, RepairMode, RepairOutcome, Role
from projections.engine.runner import ViewRunner
from projections.trace.trace_view import TraceView

AGENT = Actor("bench-agent", Role.AGENT)
TECH = Actor("bench-tech", Role.TECHNICIAN)


def report(ledger: ClaimsLedger, serial: str) -> Any:
    return ledger.report(
        AGENT,
        claim_number=f"UH-{uuid.uuid4().hex[:12]}",
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=Customer(name="客户", phone="13800138000"),
        items=(Item("XD-450", "lighting", serial_no=serial),),
        purchase=Purchase(date.today() - timedelta(days=100)),
        requested_remedy=None,
        description="不亮",
    ).claim_id


def diagnose(ledger: ClaimsLedger, claim_id: Any) -> None:
    ledger.command(
        Claim.diagnose, claim_id, TECH, finding="f", cause=Cause.QUALITY_DEFECT, item_no=1
    )


def repaired(ledger: ClaimsLedger, serial: str) -> None:
    claim_id = report(ledger, serial)
    diagnose(ledger, claim_id)
    ledger.command(Claim.start_repair, claim_id, TECH, item_no=1, mode=RepairMode.MAIL_IN)
    ledger.command(
        Claim.record_repair,
        claim_id,
        TECH,
        item_no=1,
        outcome=RepairOutcome.FIXED,
        work=RepairWork(),
    )


def case(
    ledger: ClaimsLedger,
    count: int,
    serial_for: Callable[[], str],
    prepare: Callable[[], None],
    runner: ViewRunner | None,
) -> Callable[[], dict[str, Any]]:
    """Times ``count`` diagnoses; with a runner, the trace view has applied each report
    before its diagnosis (as the service's view does within milliseconds)."""

    def run() -> dict[str, Any]:
        prepare()
        samples = []
        for _ in range(count):
            claim_id = report(ledger, serial_for())
            if runner is not None:
                runner.catch_up()
            started = time.perf_counter()
            diagnose(ledger, claim_id)
            samples.append(time.perf_counter() - started)
        return {"rate": count / sum(samples), **latency_ms(samples)}

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--background", type=int, default=2000)
    parser.add_argument("--diagnoses", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server, _ = server_url()
    with scratch_database(server) as url, open_ledger(url) as ledger:
        for _ in range(args.background):
            report(ledger, f"BG-{uuid.uuid4().hex[:10]}")
        runner = ViewRunner(ledger, [TraceView()])
        old_units: list[str] = []

        def caught_up() -> None:
            runner.catch_up()

        def with_history() -> None:
            """Units with five earlier repaired claims each, one per diagnosis to time."""
            old_units[:] = [f"OLD-{uuid.uuid4().hex[:10]}" for _ in range(args.diagnoses)]
            for unit in old_units:
                for _ in range(5):
                    repaired(ledger, unit)
            runner.catch_up()

        def lagging() -> None:
            runner.catch_up()
            for _ in range(1000):  # the trace view does not see these
                report(ledger, f"LAG-{uuid.uuid4().hex[:10]}")

        def fresh() -> str:
            return f"NEW-{uuid.uuid4().hex[:10]}"

        results = alternate(
            args.rounds,
            {
                "no serial": case(ledger, args.diagnoses, lambda: "", caught_up, runner),
                "new unit": case(ledger, args.diagnoses, fresh, caught_up, runner),
                "5 earlier claims": case(
                    ledger, args.diagnoses, old_units.pop, with_history, runner
                ),
                "view 1,000 behind": case(ledger, args.diagnoses, fresh, lagging, None),
            },
        )
    table = {name: result["median"] for name, result in results.items()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "unit_history.json").write_text(json.dumps(table, indent=2))
    print("| case | diagnoses/s | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for name, f in table.items():
        print(f"| {name} | {f['rate']:.0f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} |")


if __name__ == "__main__":
    main()
