"""Extended warranty plans: their dates, and the policy's decision on a query under one.

Property tests: for random purchase days, statutory warranties and plan lengths,
an ``after_warranty`` plan starts the day after the statutory warranty's last
day and runs its months; a quality defect reported on a day of the plan is in
warranty and names the plan, a day after it is not (unless the statute still covers).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInputError
from domain.policy import default_policy_book, evaluate
from domain.policy.periods import add_months
from domain.policy.plans import ExtendedPlan
from domain.units.plans import PlanSale, covering_plan, plan_period, sale_of
from domain.values import PolicyQuery
from domain.vocabulary import Cause

POLICY = default_policy_book().in_force(date(2026, 6, 1))
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31))


def plan(months: int, starts: str = "after_warranty") -> ExtendedPlan:
    return ExtendedPlan("p", "plan", months, starts, (), (Cause.QUALITY_DEFECT,), Decimal("1"))


@given(bought=days, statutory=st.integers(1, 36), months=st.integers(1, 60))
def test_a_plan_after_the_warranty_starts_the_day_after_it_and_runs_its_months(
    bought: date, statutory: int, months: int
) -> None:
    starts_on, ends_on = plan_period(plan(months), bought, statutory, bought)
    statutory_last_day = add_months(bought, statutory) - timedelta(days=1)
    assert starts_on == statutory_last_day + timedelta(days=1)
    assert ends_on == add_months(starts_on, months) - timedelta(days=1)
    assert ends_on >= starts_on


@given(bought=days, sold_after=st.integers(0, 400), months=st.integers(1, 60))
def test_a_plan_from_the_sale_starts_on_the_day_sold(
    bought: date, sold_after: int, months: int
) -> None:
    sold_on = bought + timedelta(days=sold_after)
    starts_on, ends_on = plan_period(plan(months, "on_sale"), bought, 12, sold_on)
    assert (starts_on, ends_on) == (sold_on, add_months(sold_on, months) - timedelta(days=1))


def sale(bought: date) -> PlanSale:
    return sale_of(POLICY, "ext-1y", "lighting", bought, bought, "shop")


@given(bought=days, offset=st.integers(0, 800))
def test_the_decision_is_in_warranty_and_names_the_plan_exactly_while_it_runs(
    bought: date, offset: int
) -> None:
    sold = sale(bought)
    reported = bought + timedelta(days=offset)
    query = PolicyQuery("lighting", bought, reported, Cause.QUALITY_DEFECT)
    plain = evaluate(POLICY, query)
    covering = covering_plan((sold,), query)
    if covering is not None:
        query = replace(query, plan_id=covering.plan_id, plan_ends_on=covering.ends_on)
    decision = evaluate(POLICY, query)
    in_statute = reported <= add_months(bought, 12) - timedelta(days=1)
    in_plan = sold.starts_on <= reported <= sold.ends_on
    assert (covering is not None) == in_plan
    assert decision.free == (in_statute or in_plan)
    assert decision.plan_id == ("ext-1y" if in_plan and not in_statute else "")
    if not in_plan:
        assert decision == plain


def test_a_plan_covers_only_its_causes() -> None:
    sold = sale(date(2026, 1, 10))
    query = PolicyQuery("lighting", date(2026, 1, 10), date(2027, 3, 1), Cause.MISUSE)
    assert covering_plan((sold,), query) is None


def test_a_plan_for_other_categories_or_sold_twice_is_refused_naming_plan_id() -> None:
    bought = date(2026, 1, 10)
    for category, sold in (("lighting", (sale(bought),)), ("furniture", ())):
        plan_id = "ext-1y" if sold else "ext-2y-appliance"
        try:
            sale_of(POLICY, plan_id, category, bought, bought, "shop", sold)
        except InvalidInputError as error:
            assert error.field == "plan_id" and error.detail_zh
        else:
            raise AssertionError("the sale was not refused")
