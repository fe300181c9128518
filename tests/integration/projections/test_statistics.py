"""Monthly statistics and their outlier flags, on claims generated in months of their own.

The session's database is shared, so each test reports its claims in a month
of 2040 that no other test uses (through a ledger whose clock stands in that
month): the month's statistics are then exactly the test's own claims.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimCommand, ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from domain.values import Customer, Item, Purchase, RepairWork
from domain.vocabulary import (
    Cause,
    ClaimKind,
    InspectionResult,
    Priority,
    ProblemCategory,
    Remedy,
    RepairMode,
    RepairOutcome,
)
from projections.engine.runner import ViewRunner
from projections.reports.statistics import MonthlyStatistics, OutlierRules, monthly_statistics
from projections.trace.trace_view import TraceView

from ..reports import AGENT, TECH, new_report

pytestmark = pytest.mark.postgres

PRICE = Decimal("29.90")


class Month:
    """Reports and works claims in one month, a minute apart, from its 10th day (China time)."""

    def __init__(self, url: str, month: date) -> None:
        self.start = datetime(month.year, month.month, 10, 9, tzinfo=BUSINESS_TZ)
        clock = self.start + timedelta(days=25)
        env = eventsourcing_env(url, pool_size=2)
        self.ledger = ClaimsLedger(env=env, clock=lambda: clock, max_backdate=timedelta(days=60))
        self.url = url
        self.minutes = 0

    def at(self) -> datetime:
        self.minutes += 1
        return self.start + timedelta(minutes=self.minutes)

    def report(
        self, model: str = "XD-450", region: str = "广东", kind: ClaimKind = ClaimKind.REPAIR,
        days_since_purchase: int = 60, at: datetime | None = None,
    ) -> UUID:  # fmt: skip
        at = at or self.at()
        bought = at.astimezone(BUSINESS_TZ).date() - timedelta(days=days_since_purchase)
        item = Item(
            model=model, category="lighting", serial_no=f"S-{uuid.uuid4().hex}", price=PRICE
        )
        report = new_report(
            kind=kind, items=(item,), purchase=Purchase(bought, bought),
            customer=Customer(name="客户", phone="13800000000", region=region),
        )  # fmt: skip
        return self.ledger.report(AGENT, occurred_at=at, **report).claim_id

    def diagnose(self, claim: UUID, cause: Cause, item_no: int | None = 1, **kw: object) -> None:
        self.ledger.command(
            Claim.diagnose,
            claim,
            TECH,
            finding="检测",
            cause=cause,
            item_no=item_no,
            occurred_at=self.at(),
            **kw,
        )

    def do(self, claim: UUID, method: ClaimCommand, **kwargs: object) -> None:
        self.ledger.command(method, claim, TECH, occurred_at=self.at(), **kwargs)

    def faulty(self, model: str, region: str = "广东") -> UUID:
        claim = self.report(model, region)
        self.diagnose(claim, Cause.QUALITY_DEFECT)
        return claim

    def returned(self, region: str, model: str = "XD-450") -> UUID:
        """A quality defect in the first 7 days: returned and refunded in full."""
        claim = self.report(model, region, ClaimKind.RETURN, days_since_purchase=3)
        self.diagnose(claim, Cause.QUALITY_DEFECT, remedy=Remedy.RETURN)
        self.do(claim, Claim.receive_return, item_no=1, inspection=InspectionResult.AS_DESCRIBED)
        self.do(claim, Claim.refund, item_no=1, amount=PRICE, deductions=(), route="alipay")
        return claim

    def statistics(self, month: date, rules: OutlierRules | None = None) -> MonthlyStatistics:
        ViewRunner(self.ledger, [TraceView()]).catch_up()
        with psycopg.connect(self.url) as conn:
            return monthly_statistics(conn, month, rules)


FIGURES_MONTH = date(2040, 1, 1)


@pytest.fixture(scope="module")
def figures_month(migrated_url: str) -> Iterator[MonthlyStatistics]:
    """Five claims in January 2040 (China time) and one just after it.

    A: XD-1 广东 repair, fixed.      B: XD-2 浙江 return, refunded 29.90.
    C: XD-1 浙江 exchange.           D: XD-2 广东 complaint, service failure.
    E: XD-3 江苏, reported 1 January 00:30 in China (still 31 December in UTC).
    F: XD-3 江苏, reported 1 February 00:30 in China (still 31 January in UTC).
    """
    m = Month(migrated_url, FIGURES_MONTH)
    a = m.faulty("XD-1")
    m.do(a, Claim.start_repair, item_no=1, mode=RepairMode.ON_SITE)
    m.do(a, Claim.record_repair, item_no=1, outcome=RepairOutcome.FIXED, work=RepairWork())
    m.returned("浙江", "XD-2")
    c = m.report("XD-1", "浙江", ClaimKind.EXCHANGE, days_since_purchase=10)
    m.diagnose(c, Cause.QUALITY_DEFECT, remedy=Remedy.EXCHANGE)
    m.do(c, Claim.ship_replacement, item_no=1, serial_no=f"R-{uuid.uuid4().hex}")
    d = m.report("XD-2", "广东", ClaimKind.COMPLAINT)
    m.do(
        d,
        Claim.classify,
        problem_category=ProblemCategory.SERVICE_COMPLAINT,
        priority=Priority.HIGH,
    )
    m.diagnose(d, Cause.SERVICE_FAILURE, item_no=None)
    m.report("XD-3", "江苏", at=datetime(2040, 1, 1, 0, 30, tzinfo=BUSINESS_TZ))
    m.report("XD-3", "江苏", at=datetime(2040, 2, 1, 0, 30, tzinfo=BUSINESS_TZ))
    yield m.statistics(FIGURES_MONTH)
    m.ledger.close()


def test_the_month_counts_only_claims_reported_in_it_in_china_time(
    figures_month: MonthlyStatistics,
) -> None:
    total = figures_month.total
    assert (total.claims, total.items) == (5, 5)
    assert figures_month.by_model["XD-3"].claims == 1


def test_the_month_counts_repairs_exchanges_returns_and_refunds(
    figures_month: MonthlyStatistics,
) -> None:
    t = figures_month.total
    assert (t.repairs, t.failed_repairs, t.exchanges, t.returns, t.refunds) == (1, 0, 1, 1, 1)
    assert t.refund_amount == PRICE


def test_the_complaint_rate_is_complaint_claims_over_all_claims(
    figures_month: MonthlyStatistics,
) -> None:
    assert (figures_month.total.complaints, figures_month.total.complaint_rate) == (1, 0.2)
    guangdong = figures_month.by_region["广东"]
    assert (guangdong.claims, guangdong.complaint_rate) == (2, 0.5)


def test_figures_are_broken_down_by_model_cause_category_and_problem(
    figures_month: MonthlyStatistics,
) -> None:
    xd1 = figures_month.by_model["XD-1"]
    assert (xd1.claims, xd1.repairs, xd1.exchanges, xd1.refunds) == (2, 1, 1, 0)
    assert {k: f.claims for k, f in figures_month.by_cause.items()} == {
        "quality_defect": 3, "service_failure": 1, "undiagnosed": 1
    }  # fmt: skip
    assert {k: f.claims for k, f in figures_month.by_category.items()} == {"lighting": 5}
    assert {k: f.claims for k, f in figures_month.by_problem.items()} == {
        "service_complaint": 1, "unclassified": 4
    }  # fmt: skip


def test_a_month_without_claims_has_zero_figures_and_no_flags(migrated_url: str) -> None:
    with psycopg.connect(migrated_url) as conn:
        empty = monthly_statistics(conn, date(1999, 1, 1))
    assert empty.total.claims == 0 and empty.by_model == {}
    assert empty.outlier_models == [] and empty.outlier_regions == []


LED_MONTH = date(2040, 3, 1)
# Quality-defect items per model; XD-4 has claims, all misuse.
FAULTS = {"LED-9W": 8, "XD-1": 1, "XD-2": 2, "XD-3": 1, "XD-4": 0, "XD-5": 2}


@pytest.fixture(scope="module")
def led_month(migrated_url: str) -> Iterator[Month]:
    m = Month(migrated_url, LED_MONTH)
    for model, faults in FAULTS.items():
        for _ in range(faults):
            m.faulty(model)
        m.diagnose(m.report(model), Cause.MISUSE)  # every model also has a non-fault claim
    yield m
    m.ledger.close()


def test_the_led_bulb_with_many_faults_is_flagged_and_normal_models_are_not(
    led_month: Month,
) -> None:
    stats = led_month.statistics(LED_MONTH)
    assert stats.outlier_models == ["LED-9W"]
    assert {m.model: m.faults for m in stats.model_faults} == FAULTS


def test_a_models_fault_count_is_compared_with_the_other_models_only(led_month: Month) -> None:
    led = next(m for m in led_month.statistics(LED_MONTH).model_faults if m.model.startswith("LED"))
    # The others: 1, 2, 1, 0, 2 → mean 1.2, sample SD √0.7 ≈ 0.84, floored to 1 → 1.2 + 2 × 1.
    assert led.others_mean == pytest.approx(1.2)
    assert led.others_sd == pytest.approx(math.sqrt(0.7))
    assert led.threshold == pytest.approx(3.2)


def test_the_fault_thresholds_are_parameters(led_month: Month) -> None:
    strict = led_month.statistics(LED_MONTH, OutlierRules(min_faults=9))
    assert strict.outlier_models == []
    assert "faults >= 9" in strict.methods["model"]


REGION_MONTH = date(2040, 5, 1)


@pytest.fixture(scope="module")
def region_month(migrated_url: str) -> Iterator[MonthlyStatistics]:
    """新疆: 8 of 12 claims returned; five regions with 1 of 10; 海南: 3 of 3 (too few claims)."""
    m = Month(migrated_url, REGION_MONTH)
    for region, claims, returned in [("新疆", 12, 8), ("海南", 3, 3)] + [
        (r, 10, 1) for r in ("广东", "浙江", "江苏", "四川", "北京")
    ]:
        for n in range(claims):
            if n < returned:
                m.returned(region)
            else:
                m.report(region=region)
    yield m.statistics(REGION_MONTH)
    m.ledger.close()


def test_a_region_with_many_returns_is_flagged(region_month: MonthlyStatistics) -> None:
    assert region_month.outlier_regions == ["新疆"]


def test_the_region_z_score_is_a_binomial_test_against_the_other_regions(
    region_month: MonthlyStatistics,
) -> None:
    xinjiang = next(r for r in region_month.region_returns if r.region == "新疆")
    p0 = (8 + 0.5) / (53 + 1)  # the others: 5 × 1 + 3 of 53 claims, half a claim added
    expected = (8 - 12 * p0) / math.sqrt(12 * p0 * (1 - p0))
    assert (xinjiang.claims, xinjiang.returned_or_exchanged) == (12, 8)
    assert xinjiang.others_share == pytest.approx(8 / 53)
    assert xinjiang.z == pytest.approx(expected)


def test_a_region_with_too_few_claims_is_not_flagged_however_high_its_share(
    region_month: MonthlyStatistics,
) -> None:
    hainan = next(r for r in region_month.region_returns if r.region == "海南")
    assert hainan.share == 1.0 and hainan.z is not None and hainan.z > 2.33
    assert not hainan.flagged
