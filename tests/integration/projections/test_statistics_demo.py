"""The demo's lamp-factory cases, in a database of their own, against hand-computed figures.

Monthly statistics cover every claim of a month, so the demo is loaded into a
fresh database (nothing else in it) with the ledger's clock at 25 June 2026:
all eight cases are then reported in June 2026, China time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.cli.demo import load_demo
from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ
from projections.audit.audit_queries import search_audit
from projections.audit.audit_view import AuditTrailView
from projections.engine.runner import ViewRunner
from projections.reports.statistics import MonthlyStatistics, monthly_statistics
from projections.trace.trace_queries import serial_story, supplier_summary
from projections.trace.trace_view import TraceView
from storage.migrations import migrate

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 6, 25, 10, 0, tzinfo=BUSINESS_TZ)
JUNE = date(2026, 6, 1)


@pytest.fixture(scope="module")
def demo(database_url: str) -> Iterator[psycopg.Connection]:
    """A connection to a new database holding only the demo, with both views caught up."""
    name = f"sanbao_demo_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    migrate(url)
    ledger = ClaimsLedger(env=eventsourcing_env(url, pool_size=2), clock=lambda: NOW)
    try:
        load_demo(ledger, NOW)
        ViewRunner(ledger, [AuditTrailView(), TraceView()]).catch_up()
    finally:
        ledger.close()
    with psycopg.connect(url) as conn:
        yield conn
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def june(demo: psycopg.Connection) -> MonthlyStatistics:
    return monthly_statistics(demo, JUNE)


def test_the_audit_trail_holds_every_demo_event_by_claim(demo: psycopg.Connection) -> None:
    rows = search_audit(demo, limit=1000)
    per_claim: dict[str, int] = {}
    for row in rows:
        per_claim[row.claim_number] = per_claim.get(row.claim_number, 0) + 1
    assert per_claim == {
        "LF-2026-0001": 10, "LF-2026-0002": 11, "LF-2026-0003": 9, "LF-2026-0004": 11,
        "LF-2026-0005": 7, "LF-2026-0006": 9, "LF-2026-0007": 14, "SB-2026-0008": 1,
        "LF-2026-0009": 4, "LF-2026-0010": 2, "LF-2026-0011": 7,
    }  # fmt: skip


def test_the_audit_trail_shows_who_did_what_in_the_demo(demo: psycopg.Connection) -> None:
    # li.qiang diagnoses (10, twice for the LED bulb), quotes, starts and records repairs (9);
    # chen.gang ships (4) and receives (2); zhao.min closes (5), refunds and quotes.
    counts = {
        actor: len(search_audit(demo, actor=actor, limit=1000))
        for actor in ("li.qiang", "chen.gang", "zhao.min", "wang.fang")
    }
    assert counts == {"li.qiang": 20, "chen.gang": 7, "zhao.min": 7, "wang.fang": 51}


def test_the_led_bulbs_story_runs_through_two_failed_repairs_to_its_replacement(
    demo: psycopg.Connection,
) -> None:
    story = serial_story(demo, "LED9-0977")
    assert story.chain == ["LED9-0451", "LED9-0977"]
    [bulb] = story.claims
    assert (bulb.claim_number, bulb.repairs, bulb.failed_repairs) == ("LF-2026-0007", 2, 2)
    assert (bulb.rule_id, bulb.stage) == ("quality-repeat-failure", "replaced")
    assert [e.summary for e in bulb.events if e.event_type == "Diagnosed"] == [
        "Diagnosed item 1: quality_defect → repair (rule quality-repair-warranty, policy 2026.1)",
        "Diagnosed item 1: quality_defect → exchange (rule quality-repeat-failure, policy 2026.1)",
    ]


def test_the_lamp_suppliers_items_split_responsibility_five_ways(
    demo: psycopg.Connection,
) -> None:
    # Cases 1-6: wiring fault, modification, colour mismatch, used lamp, transport damage;
    # the complaint (6) is about service, diagnosed for the claim, not for the lamp.
    summary = supplier_summary(demo, "佛山照明配件厂")
    assert (summary.claims, summary.exchanges, summary.returns, summary.refunds) == (6, 3, 1, 1)
    assert (summary.refunded_amount, summary.quoted_amount) == (
        Decimal("189.00"), Decimal("381.00")
    )  # fmt: skip
    shares = summary.responsibility
    assert (shares.diagnosed, shares.quality, shares.misuse, shares.transport, shares.other) == (
        5, 1, 1, 1, 2
    )  # fmt: skip
    assert shares.supplier_share == pytest.approx(0.2)


def test_the_led_chip_supplier_answers_for_all_of_its_diagnosed_items(
    demo: psycopg.Connection,
) -> None:
    summary = supplier_summary(demo, "东莞芯片灯珠厂")
    # the LED bulb (two failed repairs, then exchanged) and two of LF-2026-0011's four bulbs
    assert (summary.repairs, summary.failed_repairs, summary.exchanges) == (2, 2, 2)
    assert summary.responsibility.supplier_share == 1.0


def test_june_counts_the_nine_demo_claims(june: MonthlyStatistics) -> None:
    t = june.total
    assert (t.claims, t.items, t.repairs, t.failed_repairs) == (9, 9, 3, 2)
    assert (t.exchanges, t.returns, t.refunds, t.refund_amount) == (5, 1, 1, Decimal("189.00"))
    assert (t.complaints, t.complaint_rate) == (1, pytest.approx(1 / 9))


def test_june_breaks_the_demo_down_by_cause_and_region(june: MonthlyStatistics) -> None:
    assert {k: f.claims for k, f in june.by_cause.items()} == {
        "quality_defect": 3, "unauthorised_repair": 1, "description_mismatch": 1,
        "customer_preference": 1, "transport_damage": 1, "service_failure": 1, "undiagnosed": 1,
    }  # fmt: skip
    assert {k: f.claims for k, f in june.by_region.items()} == {
        "广东": 4, "浙江": 1, "江苏": 1, "四川": 1, "湖南": 1, "北京": 1
    }  # fmt: skip
    assert june.by_category["large_appliance"].claims == 1


def test_the_demo_is_too_small_to_flag_a_model_or_a_region(june: MonthlyStatistics) -> None:
    guangdong = next(r for r in june.region_returns if r.region == "广东")
    assert (guangdong.claims, guangdong.returned_or_exchanged) == (4, 4)
    assert {m.model: m.faults for m in june.model_faults if m.faults} == {
        "XD-450": 1, "LED-9W": 2
    }  # fmt: skip
    assert june.outlier_models == [] and june.outlier_regions == []
