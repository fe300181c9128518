"""Extended warranty plans (延保) sold against a unit: when each runs and what it covers.

A plan sold is a ``Unit.PlanSold`` event recording the plan's terms as the
policy offered them that day (``domain.policy.plans``), with its own start and
end. A plan that starts ``after_warranty`` begins the day after the unit's
statutory warranty ends (counted from the registered purchase date); one that
starts ``on_sale`` begins on the day it was sold. Pure: nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.errors import InvalidInputError
from domain.policy.document import PolicyDocument
from domain.policy.periods import add_months
from domain.policy.plans import ExtendedPlan
from domain.values import PolicyQuery, Value
from domain.vocabulary import Cause

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PlanSale(Value):
    """One plan sold against a unit, with the terms it was sold on."""

    plan_id: str
    name: str
    policy_version: str
    starts_on: date
    ends_on: date
    price: Decimal
    categories: tuple[str, ...]
    covers: tuple[Cause, ...]
    sold_on: date
    sold_by: str

    def covers_query(self, query: PolicyQuery) -> bool:
        """Whether the plan covers this cause for this category on the report day."""
        return (
            self.starts_on <= query.reported_on <= self.ends_on
            and query.cause in self.covers
            and (not self.categories or query.category in self.categories)
        )


def plan_period(
    plan: ExtendedPlan, purchased_on: date, warranty_months: int, sold_on: date
) -> tuple[date, date]:
    """The plan's first and last covered day (inclusive).

    ``after_warranty``: from the day after the statutory warranty (purchase +
    ``warranty_months`` − 1 day) ends; ``on_sale``: from the day it is sold.
    Either way it runs ``plan.months`` months.
    """
    if plan.starts == "on_sale":
        starts_on = sold_on
    else:
        starts_on = add_months(purchased_on, warranty_months)
    return starts_on, add_months(starts_on, plan.months) - ONE_DAY


def check_sale(
    plan: ExtendedPlan, category: str, sold_on: date, ends_on: date, sold: tuple[PlanSale, ...]
) -> None:
    """Refuses a plan the unit cannot have, naming the field, before anything is stored."""
    if not category:
        raise InvalidInputError(
            "serial_no",
            "the unit was registered without a category; a plan needs one",
            "该序列号登记时没有品类，无法购买延保",
        )
    if not plan.sold_for(category):
        raise InvalidInputError(
            "plan_id",
            f"plan {plan.plan_id} is sold for {', '.join(plan.categories)}, not {category}",
            f"延保方案 {plan.plan_id} 只适用于 {', '.join(plan.categories)}，不适用于 {category}",
        )
    if ends_on < sold_on:
        raise InvalidInputError(
            "plan_id",
            f"plan {plan.plan_id} would have ended on {ends_on}, before it is sold",
            f"延保方案 {plan.plan_id} 将于 {ends_on} 结束，早于购买日",
        )
    for earlier in sold:
        if earlier.plan_id == plan.plan_id:
            raise InvalidInputError(
                "plan_id",
                f"plan {plan.plan_id} was already sold for this unit on {earlier.sold_on}",
                f"该序列号已于 {earlier.sold_on} 购买延保方案 {plan.plan_id}",
            )


def sale_of(
    policy: PolicyDocument,
    plan_id: str,
    category: str,
    purchased_on: date,
    sold_on: date,
    sold_by: str,
    sold: tuple[PlanSale, ...] = (),
) -> PlanSale:
    """The sale of the policy's plan for a unit bought on ``purchased_on``; checks it first."""
    plan = policy.plan(plan_id)
    if category:
        months = policy.terms_for(category, "serial_no").warranty_months
    else:
        months = 0
    starts_on, ends_on = plan_period(plan, purchased_on, months, sold_on)
    check_sale(plan, category, sold_on, ends_on, sold)
    return PlanSale(
        plan_id=plan.plan_id,
        name=plan.name,
        policy_version=policy.version,
        starts_on=starts_on,
        ends_on=ends_on,
        price=plan.price,
        categories=plan.categories,
        covers=plan.covers,
        sold_on=sold_on,
        sold_by=sold_by,
    )


def covering_plan(plans: tuple[PlanSale, ...], query: PolicyQuery) -> PlanSale | None:
    """The plan that covers the query the longest, if any does."""
    covering = [p for p in plans if p.covers_query(query)]
    return max(covering, key=lambda p: (p.ends_on, p.plan_id), default=None)
