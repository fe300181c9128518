"""Warranty cost by model, supplier and cause: the cost view and its report, on PostgreSQL.

The claims are worked in a month of 2041 that no other test uses, so the month's
costs are exactly this module's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest

from domain.claim import BUSINESS_TZ, Claim
from domain.values import Item, Purchase, RepairWork
from domain.vocabulary import Cause, ClaimKind, InspectionResult, Remedy, RepairMode, RepairOutcome
from projections.engine.envelope import Envelope
from projections.engine.runner import ViewRunner
from projections.reports.cost_view import CostView
from projections.reports.monthly_report import monthly_report
from projections.reports.warranty_costs import WarrantyCosts, warranty_costs
from projections.trace.trace_view import TraceView

from ..reports import AGENT, new_report
from .test_statistics import Month

pytestmark = pytest.mark.postgres

COST_MONTH = date(2041, 2, 1)


class CostMonth(Month):
    def line(self, model: str, supplier: str, quantity: int = 1, kind: ClaimKind = ClaimKind.REPAIR,
             days_since_purchase: int = 60) -> UUID:  # fmt: skip
        at = self.at()
        bought = at.astimezone(BUSINESS_TZ).date().replace(day=1)
        bought = date.fromordinal(bought.toordinal() - days_since_purchase)
        item = Item(model=model, category="lighting", serial_no=f"S-{uuid.uuid4().hex}",
                    supplier=supplier, quantity=quantity, price=Decimal("100.00"))  # fmt: skip
        report = new_report(kind=kind, items=(item,), purchase=Purchase(bought, bought))
        return self.ledger.report(AGENT, occurred_at=at, **report).claim_id

    def costs(self, by: str) -> WarrantyCosts:
        ViewRunner(self.ledger, [TraceView(), CostView()]).catch_up()
        with psycopg.connect(self.url) as conn:
            return warranty_costs(conn, COST_MONTH, by)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def cost_month(migrated_url: str) -> Iterator[CostMonth]:
    """A: XD-1 from S1, a failed repair recorded with a cost only (20), then a repair
       with parts 30 and labour 45.
    B: LED-9W from S2, 2 of 4 units returned for a defect in the first week (shipping 8,
       refund 2 × 100.00).
    C: LED-9W from S2, exchanged for a defect (shipping 12).
    D: XD-1 from S1, repaired in March 2041: not this month's cost."""
    m = CostMonth(migrated_url, COST_MONTH)
    a = m.line("XD-1", "S1")
    m.diagnose(a, Cause.QUALITY_DEFECT)
    for work in (RepairWork(cost=Decimal("20")),
                 RepairWork(parts_cost=Decimal("30"), labour_cost=Decimal("45"))):  # fmt: skip
        m.do(a, Claim.start_repair, item_no=1, mode=RepairMode.ON_SITE)
        outcome = RepairOutcome.STILL_FAILING if work.cost == 20 else RepairOutcome.FIXED
        m.do(a, Claim.record_repair, item_no=1, outcome=outcome, work=work)
    b = m.line("LED-9W", "S2", quantity=4, kind=ClaimKind.RETURN, days_since_purchase=-5)
    m.diagnose(b, Cause.QUALITY_DEFECT, remedy=Remedy.RETURN, quantity=2)
    m.do(b, Claim.receive_return, item_no=1, inspection=InspectionResult.AS_DESCRIBED,
         shipping_cost=Decimal("8"))  # fmt: skip
    m.do(b, Claim.refund, item_no=1, route="alipay")
    c = m.line("LED-9W", "S2", kind=ClaimKind.EXCHANGE, days_since_purchase=-5)
    m.diagnose(c, Cause.QUALITY_DEFECT, remedy=Remedy.EXCHANGE)
    m.do(c, Claim.ship_replacement, item_no=1, serial_no=f"R-{uuid.uuid4().hex}",
         shipping_cost=Decimal("12"))  # fmt: skip
    d = m.line("XD-1", "S1")
    m.diagnose(d, Cause.QUALITY_DEFECT)
    march = datetime(2041, 3, 2, 10, tzinfo=BUSINESS_TZ)
    m.ledger.command(Claim.start_repair, d, AGENT, occurred_at=march, item_no=1,
                     mode=RepairMode.ON_SITE)  # fmt: skip
    work = RepairWork(parts_cost=Decimal("99"))
    m.ledger.command(Claim.record_repair, d, AGENT, occurred_at=march, item_no=1,
                     outcome=RepairOutcome.FIXED, work=work)  # fmt: skip
    yield m
    m.ledger.close()


def test_costs_by_model_total_parts_labour_shipping_and_refunds_spent_in_the_month(
    cost_month: CostMonth,
) -> None:
    costs = cost_month.costs("model")
    lines = {line.key: line for line in costs.lines}
    assert set(lines) == {"XD-1", "LED-9W"}
    xd1 = lines["XD-1"]
    # A repair's cost not broken down (20) counts as labour; claim D's repair is March's.
    assert (xd1.parts, xd1.labour, xd1.shipping, xd1.refunds, xd1.total) == (
        Decimal("30"), Decimal("65"), Decimal("0"), Decimal("0"), Decimal("95")
    )  # fmt: skip
    led = lines["LED-9W"]
    # Two of four units returned in full: 2 × 100.00 refunded, 8 + 12 shipping.
    assert (led.claims, led.shipping, led.refunds, led.total) == (
        2, Decimal("20"), Decimal("200.00"), Decimal("220.00")
    )  # fmt: skip
    assert costs.lines[0].key == "LED-9W"  # largest first
    assert costs.total == Decimal("315.00")


def test_costs_by_supplier_and_by_cause(cost_month: CostMonth) -> None:
    by_supplier = {line.key: line.total for line in cost_month.costs("supplier").lines}
    assert by_supplier == {"S2": Decimal("220.00"), "S1": Decimal("95")}
    by_cause = {line.key: line.total for line in cost_month.costs("cause").lines}
    assert by_cause == {"quality_defect": Decimal("315.00")}


def test_the_monthly_report_carries_the_warranty_cost_by_model_supplier_and_cause(
    cost_month: CostMonth,
) -> None:
    cost_month.costs("model")
    with psycopg.connect(cost_month.url) as conn:
        report = monthly_report(conn, COST_MONTH, cost_month.ledger.calendar)
    assert set(report.warranty_costs) == {"model", "supplier", "cause"}
    assert report.warranty_costs["supplier"].total == Decimal("315.00")


def test_an_event_applied_again_adds_no_cost(cost_month: CostMonth) -> None:
    claim = cost_month.line("XD-1", "S1")
    cost_month.diagnose(claim, Cause.QUALITY_DEFECT)
    cost_month.do(claim, Claim.start_repair, item_no=1, mode=RepairMode.ON_SITE)
    work = RepairWork(labour_cost=Decimal("10"))
    cost_month.do(claim, Claim.record_repair, item_no=1, outcome=RepairOutcome.FIXED, work=work)
    repaired = list(cost_month.ledger.events.get(claim))[-1]
    envelope = Envelope.wrap(10**15, repaired)
    with psycopg.connect(cost_month.url) as conn, conn.cursor() as cur:
        for _ in range(2):
            CostView().apply(cur, [envelope])
        count = cur.execute(
            "SELECT count(*), sum(labour) FROM views.warranty_costs WHERE position = %s",
            (10**15,),
        ).fetchone()
        conn.rollback()
    assert count == (1, Decimal("10"))
