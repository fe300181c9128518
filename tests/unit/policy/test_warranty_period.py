"""Property tests of the warranty period: its last day, repair extension, exchange restart."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.policy.periods import add_months
from domain.values import RepairRecord
from domain.vocabulary import Remedy, RepairOutcome

from .builders import POLICY, decide, repair
from .strategies import categories, purchase_dates

FIXED = RepairOutcome.FIXED


def months_later(start: date, months: int) -> tuple[int, int]:
    index = start.year * 12 + start.month - 1 + months
    return index // 12, index % 12 + 1


def day_of(bought: date, reported: date) -> int:
    return (reported - bought).days


@given(categories, purchase_dates)
def test_warranty_ends_the_day_before_the_same_date_months_later(
    category: str, bought: date
) -> None:
    months = POLICY.terms_for(category).warranty_months
    ends_on = decide(day=20, category=category, purchased_on=bought).warranty_ends_on
    assert ends_on is not None
    year, month = months_later(bought, months)
    anniversary = ends_on + timedelta(days=1)
    # The anniversary keeps the purchase day, clamped to the month's last day.
    assert (anniversary.year, anniversary.month) == (year, month)
    assert anniversary.day == min(bought.day, calendar.monthrange(year, month)[1])


def test_adding_a_month_to_31_january_clamps_to_the_end_of_february() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_a_purchase_on_30_november_is_clamped_to_the_end_of_february() -> None:
    decision = decide(day=20, category="apparel", purchased_on=date(2027, 11, 30))
    assert decision.warranty_ends_on == date(2028, 2, 28)  # 29 Feb 2028 is the anniversary


def test_a_leap_day_purchase_ends_its_warranty_on_27_february() -> None:
    decision = decide(day=20, purchased_on=date(2024, 2, 29))
    assert decision.warranty_ends_on == date(2025, 2, 27)


@given(categories, purchase_dates)
def test_last_day_of_warranty_is_free_repair(category: str, bought: date) -> None:
    ends_on = decide(day=20, category=category, purchased_on=bought).warranty_ends_on
    assert ends_on is not None
    decision = decide(day=day_of(bought, ends_on), category=category, purchased_on=bought)
    assert decision.rule_id == "quality-repair-warranty"
    assert decision.free


@given(categories, purchase_dates)
def test_day_after_the_warranty_is_paid_repair(category: str, bought: date) -> None:
    ends_on = decide(day=20, category=category, purchased_on=bought).warranty_ends_on
    assert ends_on is not None
    decision = decide(day=day_of(bought, ends_on) + 1, category=category, purchased_on=bought)
    assert decision.rule_id == "quality-warranty-expired"
    assert not decision.free


repair_spans = st.lists(st.tuples(st.integers(0, 80), st.integers(1, 30)), max_size=4)


@given(categories, purchase_dates, repair_spans, st.integers(1, 90))
def test_report_k_days_after_the_warranty_is_covered_iff_repairs_took_k_days(
    category: str, bought: date, spans: list[tuple[int, int]], k: int
) -> None:
    repairs = tuple(repair(bought + timedelta(days=at), days, FIXED) for at, days in spans)
    unextended = decide(day=20, category=category, purchased_on=bought).warranty_ends_on
    assert unextended is not None
    day = day_of(bought, unextended) + k
    decision = decide(day=day, category=category, purchased_on=bought, repairs=repairs)
    in_repair = sum(r.days_in_repair for r in repairs)
    assert decision.free == (in_repair >= k)


@given(categories, purchase_dates, st.integers(1, 1000))
def test_an_exchange_restarts_the_warranty(category: str, bought: date, after: int) -> None:
    exchanged = bought + timedelta(days=after)
    fresh = decide(day=20, category=category, purchased_on=exchanged).warranty_ends_on
    assert fresh is not None
    decision = decide(
        day=day_of(bought, fresh), category=category, purchased_on=bought, exchanged_on=exchanged
    )
    day_after = decide(
        day=day_of(bought, fresh) + 1,
        category=category,
        purchased_on=bought,
        exchanged_on=exchanged,
    )
    assert decision.warranty_ends_on == fresh
    assert decision.rule_id == "quality-repair-warranty"
    assert day_after.rule_id == "quality-warranty-expired"


@given(categories, purchase_dates, st.integers(20, 300), st.integers(1, 30))
def test_repairs_before_an_exchange_do_not_extend_the_new_warranty(
    category: str, bought: date, after: int, days: int
) -> None:
    exchanged = bought + timedelta(days=after)
    old_repair = repair(bought + timedelta(days=1), days, FIXED)
    with_old = decide(
        day=after,
        category=category,
        purchased_on=bought,
        exchanged_on=exchanged,
        repairs=(old_repair,),
    )
    without = decide(day=after, category=category, purchased_on=bought, exchanged_on=exchanged)
    assert with_old.warranty_ends_on == without.warranty_ends_on


def failed_repairs(bought: date, count: int) -> tuple[RepairRecord, ...]:
    return tuple(repair(bought + timedelta(days=20 + 3 * i), 2) for i in range(count))


@given(categories, purchase_dates, st.integers(16, 80))
def test_one_failed_repair_leaves_only_repair(category: str, bought: date, day: int) -> None:
    repairs = failed_repairs(bought, 1)
    decision = decide(day=day, category=category, purchased_on=bought, repairs=repairs)
    assert decision.remedies == (Remedy.REPAIR,)


@given(categories, purchase_dates, st.integers(16, 80), st.integers(2, 4))
def test_second_failed_repair_opens_free_exchange_or_return(
    category: str, bought: date, day: int, count: int
) -> None:
    repairs = failed_repairs(bought, count)
    decision = decide(day=day, category=category, purchased_on=bought, repairs=repairs)
    assert set(decision.remedies) == {Remedy.EXCHANGE, Remedy.RETURN}
    assert decision.free
