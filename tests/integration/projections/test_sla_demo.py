"""The SLA view of the demo claims, loaded as of Thu 2026-10-15 12:00 China time.

The demo dates its cases back from "now" (LF-2026-0007 is reported 19 days
before, on Sat Sep 26), so a fixed now puts them across the National Day holiday
(Oct 1-7, with Sat Oct 10 an adjusted working day). The demo's claim numbers are
fixed, so it is loaded into a database of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql

from api.cli.demo import CASES, load_demo
from domain.application import ClaimsLedger
from projections.engine.runner import ViewRunner
from projections.sla.sla_queries import clocks_for_claim
from projections.sla.sla_view import SlaView

from .test_sla_support import china, ledger_at, own_database

pytestmark = pytest.mark.postgres
NOW = china("2026-10-15 12:00")
SAME_AS_LEDGER = (
    "clock", "run", "started_at", "due_at", "paused_total", "paused_since", "stopped_at",
    "stopped_by", "state",
)  # fmt: skip


@dataclass
class Demo:
    ledger: ClaimsLedger
    conn: psycopg.Connection[Any]

    def clocks(self, number: str) -> dict[str, tuple[Any, ...]]:
        claim_id = self.ledger.get_claim_by_number(number).id
        return {
            run.clock_run: (run.started_at, run.due_at, run.paused_total, run.stopped_at,
                            run.stopped_by, run.state)
            for run in clocks_for_claim(self.conn, claim_id, NOW)
        }  # fmt: skip


@pytest.fixture(scope="module")
def demo(database_url: str) -> Iterator[Demo]:
    with own_database(database_url) as url, psycopg.connect(url, autocommit=True) as conn:
        ledger = ledger_at(url, NOW)
        load_demo(ledger, NOW)
        ViewRunner(ledger, [SlaView(ledger.calendar, ledger.sla_targets)]).catch_up()
        yield Demo(ledger, conn)
        ledger.close()


def test_the_led_bulb_claim_runs_its_clocks_across_the_holiday_and_its_pause(
    demo: Demo,
) -> None:
    # Working days are 09:00-18:00 (9 h). Sat Sep 26 09:30 reported, 11:30 acknowledged.
    # Mon Sep 28 13:30 diagnosed: 3 working days = 27 h, 4.5 h that day, 9 on Sep 29
    # and Sep 30, then the holiday, 4.5 h on Oct 8 → Oct 8 13:30.
    # Tue Sep 29 09:30 repair 1 starts; paused 11:30 until Fri Oct 2 11:30, costing the
    # working time inside: 6.5 h (Sep 29) + 9 h (Sep 30) = 15.5 h. 63 h + 15.5 h from
    # Sep 29 09:30: 8.5 + 9 (Sep 30) + Oct 8, 9, 10 (Sat, adjusted), 12, 13, 14 (54)
    # = 71.5, the last 7 h on Oct 15 → 16:00.
    # Tue Oct 6 09:30 repair 2 starts inside the holiday, so its 63 h run from Oct 8
    # 09:00 over Oct 8, 9, 10, 12, 13, 14, 15 → Oct 15 18:00.
    # Sun Oct 11 11:30 diagnosed again: 27 h from Mon Oct 12 09:00 → Wed Oct 14 18:00.
    hours = timedelta(hours=1)
    assert demo.clocks("LF-2026-0007") == {
        "first_response#1": (china("2026-09-26 09:30"), china("2026-09-27 09:30"), 0 * hours,
                             china("2026-09-26 11:30"), "Acknowledged", "met"),
        "work_start#1": (china("2026-09-28 13:30"), china("2026-10-08 13:30"), 0 * hours,
                         china("2026-09-29 09:30"), "RepairStarted", "met"),
        "repair#1": (china("2026-09-29 09:30"), china("2026-10-15 16:00"), 15.5 * hours,
                     china("2026-10-05 09:30"), "Repaired", "met"),
        "repair#2": (china("2026-10-06 09:30"), china("2026-10-15 18:00"), 0 * hours,
                     china("2026-10-11 09:30"), "Repaired", "met"),
        "work_start#2": (china("2026-10-11 11:30"), china("2026-10-14 18:00"), 0 * hours,
                         china("2026-10-13 13:30"), "ReplacementShipped", "met"),
    }  # fmt: skip


def test_the_fresh_report_has_missed_its_first_response(demo: Demo) -> None:
    # Reported Wed Oct 14 09:30 and never acknowledged: 24 h later it is breached.
    assert demo.clocks("SB-2026-0008") == {
        "first_response#1": (china("2026-10-14 09:30"), china("2026-10-15 09:30"),
                             timedelta(0), None, None, "breached"),
    }  # fmt: skip


def test_the_view_agrees_with_the_ledger_for_every_demo_claim(demo: Demo) -> None:
    for number, _, _ in CASES:
        claim_id = demo.ledger.get_claim_by_number(number).id
        viewed = [
            tuple(getattr(run, f) for f in SAME_AS_LEDGER)
            for run in clocks_for_claim(demo.conn, claim_id, NOW)
        ]
        computed = [tuple(getattr(run, f) for f in SAME_AS_LEDGER) for run in
                    demo.ledger.sla_clocks(claim_id)]  # fmt: skip
        assert sorted(viewed) == sorted(computed), number


def test_batches_of_three_events_build_the_same_view_as_one_batch(demo: Demo) -> None:
    view = SlaView(demo.ledger.calendar, demo.ledger.sla_targets, schema="sla_in_threes")
    demo.conn.execute("CREATE SCHEMA sla_in_threes")
    for table in view.tables:
        demo.conn.execute(
            sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                view.table(table), sql.Identifier("views", table)
            )
        )

    ViewRunner(demo.ledger, [view], batch_size=3, tracking_suffix="#threes").catch_up()

    for table in view.tables:
        query = sql.SQL("SELECT * FROM {} ORDER BY 1, 2, 3")
        live = demo.conn.execute(query.format(sql.Identifier("views", table))).fetchall()
        threes = demo.conn.execute(query.format(view.table(table))).fetchall()
        assert threes == live and live, table
