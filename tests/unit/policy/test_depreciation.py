"""Depreciation of returned goods: price × daily rate × days used, days in repair excluded."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.policy.money import depreciation
from domain.values import RepairRecord
from domain.vocabulary import Cause, RepairOutcome

from .builders import POLICY, decide, repair
from .strategies import categories, prices, purchase_dates

USED = {"goods_used": True}


def repairs_within(bought: date, points: list[int]) -> tuple[RepairRecord, ...]:
    """Disjoint repairs from pairs of sorted day numbers: (p0, p1), (p2, p3), …"""
    days = sorted(set(points))[: len(set(points)) // 2 * 2]
    return tuple(
        RepairRecord(bought + timedelta(days=a), bought + timedelta(days=b), RepairOutcome.FIXED)
        for a, b in zip(days[::2], days[1::2], strict=True)
    )


@given(
    categories,
    purchase_dates,
    prices,
    st.integers(0, 3000),
    st.lists(st.tuples(st.integers(-30, 3000), st.integers(1, 400)), max_size=4),
)
def test_depreciation_is_never_negative_nor_above_the_price(
    category: str, bought: date, price: Decimal, day: int, spans: list[tuple[int, int]]
) -> None:
    repairs = tuple(repair(bought + timedelta(days=max(0, at)), n) for at, n in spans)
    decision = decide(
        Cause.CUSTOMER_PREFERENCE,
        day=day,
        category=category,
        purchased_on=bought,
        price=price,
        repairs=repairs,
        **USED,
    )
    assert Decimal("0") <= decision.deduction <= price


@given(categories, purchase_dates, prices, st.integers(0, 400), st.lists(st.integers(0, 400)))
def test_days_in_repair_are_not_days_used(
    category: str, bought: date, price: Decimal, day: int, points: list[int]
) -> None:
    repairs = repairs_within(bought, [p for p in points if p <= day])
    decision = decide(
        Cause.CUSTOMER_PREFERENCE,
        day=day,
        category=category,
        purchased_on=bought,
        price=price,
        repairs=repairs,
        **USED,
    )
    used = day - sum(r.days_in_repair for r in repairs)
    rate = POLICY.terms_for(category).daily_depreciation_rate
    expected = (price * rate * max(0, used)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert decision.deduction == min(expected, price)


def test_repairs_after_the_report_do_not_reduce_days_used() -> None:
    later = repair(date(2026, 5, 1), 30)
    decision = decide(Cause.CUSTOMER_PREFERENCE, day=10, repairs=(later,), **USED)
    assert decision.deduction_basis == "199.00 × 0.004 × 10 days"


def test_depreciation_is_rounded_half_up_to_the_cent() -> None:
    amount, _ = depreciation(Decimal("0.625"), Decimal("0.1"), 1)  # 0.0625
    assert amount == Decimal("0.06")
    amount, _ = depreciation(Decimal("1.25"), Decimal("0.1"), 1)  # 0.125
    assert amount == Decimal("0.13")


def test_depreciation_basis_shows_price_rate_and_days() -> None:
    _, basis = depreciation(Decimal("199"), Decimal("0.004"), 40)
    assert basis == "199.00 × 0.004 × 40 days"


def test_depreciation_is_capped_at_the_price_and_says_so() -> None:
    amount, basis = depreciation(Decimal("100.00"), Decimal("0.01"), 150)
    assert amount == Decimal("100.00")
    assert basis.endswith("(capped at the price)")
