"""Each item counts once in the statistics, by its final remedy (on real PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest

from domain.claim import Claim
from domain.vocabulary import Cause, ClaimKind, InspectionResult, Remedy
from projections.reports.statistics import MonthlyStatistics
from projections.trace.trace_queries import model_summary

from .test_statistics import Month

pytestmark = pytest.mark.postgres

REMEDY_MONTH = date(2040, 7, 1)


@pytest.fixture(scope="module")
def remedy_month(migrated_url: str) -> Iterator[MonthlyStatistics]:
    """An exchange whose faulty unit came back (FR-1), and a plain return (FR-2)."""
    m = Month(migrated_url, REMEDY_MONTH)
    exchange = m.report("FR-1", "广东", ClaimKind.EXCHANGE, days_since_purchase=10)
    m.diagnose(exchange, Cause.QUALITY_DEFECT, remedy=Remedy.EXCHANGE)
    m.do(exchange, Claim.receive_return, item_no=1, inspection=InspectionResult.AS_DESCRIBED)
    m.do(exchange, Claim.ship_replacement, item_no=1, serial_no=f"R-{uuid.uuid4().hex}")
    m.returned("广东", "FR-2")
    yield m.statistics(REMEDY_MONTH)
    m.ledger.close()


def test_an_exchange_whose_faulty_unit_came_back_counts_only_as_an_exchange(
    remedy_month: MonthlyStatistics,
) -> None:
    exchanged = remedy_month.by_model["FR-1"]
    assert (exchanged.items, exchanged.exchanges, exchanged.returns) == (1, 1, 0)


def test_a_refund_without_a_replacement_counts_as_a_return(
    remedy_month: MonthlyStatistics,
) -> None:
    returned = remedy_month.by_model["FR-2"]
    assert (returned.exchanges, returned.returns, returned.refunds) == (0, 1, 1)


def test_the_month_counts_each_item_once(remedy_month: MonthlyStatistics) -> None:
    t = remedy_month.total
    assert t.exchanges + t.returns == t.items == 2


def test_the_model_trace_counts_the_exchange_once(
    remedy_month: MonthlyStatistics, migrated_url: str
) -> None:
    with psycopg.connect(migrated_url) as conn:
        summary = model_summary(conn, "FR-1")
    assert (summary.exchanges, summary.returns) == (1, 0)
