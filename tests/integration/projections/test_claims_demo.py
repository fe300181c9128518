"""The claims view over the demo's lamp-factory cases, checked against the case scripts.

Each demo case starts at 09:30 China time on its report day and its steps happen
``hours`` working hours later, counted as 8-hour days (``CasePlayer.at``): step
``h`` falls ``h // 8`` days and ``h % 8`` hours after the report. The expected
times below are worked out from the scripts in ``api/cli/demo.py`` by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from api.cli.demo import CASES, load_demo
from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ
from projections.claims.claims_view import ClaimsView
from projections.engine.runner import ViewRunner

pytestmark = pytest.mark.postgres

Row = dict[str, Any]


@pytest.fixture(scope="module")
def demo_rows(migrated_url: str) -> Iterator[dict[str, Row]]:
    """The demo's rows by claim number (loading is idempotent across the session)."""
    ledger = ClaimsLedger(env=eventsourcing_env(migrated_url, pool_size=2))
    try:
        load_demo(ledger, datetime.now().astimezone())
        ViewRunner(ledger, [ClaimsView(ledger.mapper)]).catch_up()
        with psycopg.connect(migrated_url, row_factory=dict_row) as conn:
            # Only load_demo's cases: `sanbao demo` adds showcase claims on this database too.
            rows = conn.execute(
                "SELECT * FROM views.claims WHERE claim_number = ANY(%s)",
                ([number for number, _, _ in CASES],),
            ).fetchall()
        yield {row["claim_number"]: row for row in rows}
    finally:
        ledger.close()


def step(row: Row) -> Callable[[float], datetime]:
    """The business time of a case step, from the case's report time."""
    start: datetime = row["created_at"]

    def at(hours: float) -> datetime:
        days, rest = divmod(hours, 8)
        return start + timedelta(days=days, hours=rest)

    return at


def test_every_demo_case_starts_at_half_past_nine_china_time(demo_rows: dict[str, Row]) -> None:
    assert len(demo_rows) == len(CASES) == 11
    assert {r["created_at"].astimezone(BUSINESS_TZ).time() for r in demo_rows.values()} == {
        time(9, 30)
    }


def test_ceiling_light_exchange_is_closed_with_both_serials_and_a_top_score(
    demo_rows: dict[str, Row],
) -> None:
    row = demo_rows["LF-2026-0001"]
    at = step(row)
    assert (row["status"], row["kind"], row["region"]) == ("closed", "exchange", "广东")
    assert (row["team"], row["assignee"]) == ("technical_support", "li.qiang")
    assert row["serial_nos"] == ["XD450-0001823", "XD450-0002417"]
    assert (row["models"], row["item_stages"]) == (["XD-450"], ["replaced"])
    # confirm at 60 h, follow-up at 70 h, survey at 71 h
    assert (row["confirmed_at"], row["followed_up_at"]) == (at(60), at(70))
    assert (row["satisfaction"], row["surveyed_at"]) == (5, at(71))
    # report, classify, assign, acknowledge, diagnose, ship, confirm, follow-up, survey, close
    assert row["closed_at"] == row["updated_at"] and row["version"] == 10


def test_modified_lamp_was_repaired_but_never_followed_up(demo_rows: dict[str, Row]) -> None:
    row = demo_rows["LF-2026-0002"]
    assert (row["status"], row["item_stages"], row["problem_category"]) == (
        "closed",
        ["repaired"],
        "product_fault",
    )
    assert (row["confirmed_at"], row["followed_up_at"]) == (step(row)(100), None)
    assert row["satisfaction"] is None


def test_colour_mismatch_refund_was_surveyed_without_a_confirmation(
    demo_rows: dict[str, Row],
) -> None:
    row = demo_rows["LF-2026-0003"]
    assert (row["status"], row["channel"], row["item_stages"]) == ("closed", "web", ["refunded"])
    assert (row["satisfaction"], row["surveyed_at"], row["confirmed_at"]) == (
        4,
        step(row)(70),
        None,
    )


def test_transport_damage_is_resolved_but_still_open(demo_rows: dict[str, Row]) -> None:
    row = demo_rows["LF-2026-0005"]
    assert (row["status"], row["closed_at"], row["team"]) == (
        "resolved",
        None,
        "warehouse_logistics",
    )
    assert row["serial_nos"] == ["XD600-0000912", "XD600-0001044"]


def test_complaint_keeps_its_grade_and_its_item_pending(demo_rows: dict[str, Row]) -> None:
    row = demo_rows["LF-2026-0006"]
    assert (row["kind"], row["complaint_grade"], row["problem_category"]) == (
        "complaint",
        "general",
        "service_complaint",
    )
    assert (row["status"], row["item_stages"], row["satisfaction"]) == ("closed", ["pending"], 5)


def test_led_bulb_escalated_once_and_exchanged_after_two_failed_repairs(
    demo_rows: dict[str, Row],
) -> None:
    row = demo_rows["LF-2026-0007"]
    assert (row["escalation_level"], row["status"], row["item_stages"]) == (
        1,
        "resolved",
        ["replaced"],
    )
    assert row["serial_nos"] == ["LED9-0451", "LED9-0977"]
    # report, 3 triage, diagnose, 2 × (start, repaired), pause, resume, escalate,
    # diagnose again, ship: 1 + 3 + 1 + 4 + 2 + 1 + 1 + 1 = 14
    assert row["version"] == 14


def test_fresh_air_conditioner_report_is_unassigned(demo_rows: dict[str, Row]) -> None:
    row = demo_rows["SB-2026-0008"]
    assert (row["status"], row["channel"], row["categories"]) == (
        "reported",
        "app",
        ["large_appliance"],
    )
    assert (row["team"], row["assignee"], row["problem_category"]) == (None, None, None)
    # version 2 once `sanbao demo`'s showcase has attached its photo to this claim
    assert row["region"] == "北京" and row["version"] in (1, 2)
