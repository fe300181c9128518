"""Extended warranty plans (延保) as policy data: duration, what is covered, price.

A policy document may offer plans under ``[plans.<id>]``. A plan is sold
against a registered unit (``domain.units.plans``); from then on its terms are
the ones recorded with the sale, so a later policy version changing a plan
changes nothing for plans already sold.

    [plans.ext-2y]
    name = "两年延保"
    months = 24                        # how long the plan runs
    starts = "after_warranty"          # or "on_sale"
    categories = ["large_appliance"]   # the categories it may be sold for ([] = any)
    covers = ["quality_defect"]        # the diagnosed causes it covers
    price = 299.00
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.errors import InvalidInputError
from domain.policy.toml_values import enum_value, only_keys, typed
from domain.vocabulary import Cause

PLAN_KEYS = {"name", "months", "starts", "categories", "covers", "price"}
STARTS = ("after_warranty", "on_sale")
MAX_PLAN_MONTHS = 120


@dataclass(frozen=True)
class ExtendedPlan:
    """One plan the policy offers."""

    plan_id: str
    name: str
    months: int
    starts: str  # "after_warranty": the day after the statutory warranty ends; "on_sale"
    categories: tuple[str, ...]
    covers: tuple[Cause, ...]
    price: Decimal

    def sold_for(self, category: str) -> bool:
        """Whether the plan may be sold for a unit of this category."""
        return not self.categories or category in self.categories


def parse_plans(data: dict[str, Any], root: str, categories: set[str]) -> dict[str, ExtendedPlan]:
    """The document's ``[plans.*]`` tables; a document without them offers none."""
    tables = typed(data, "plans", dict, root, {})
    return {plan_id: _plan(plan_id, tables, root, categories) for plan_id in tables}


def _plan(plan_id: str, tables: dict[str, Any], root: str, categories: set[str]) -> ExtendedPlan:
    where = f"{root}plans.{plan_id}"
    table = typed(tables, plan_id, dict, f"{root}plans")
    only_keys(table, PLAN_KEYS, where)
    months = typed(table, "months", int, where)
    if not 1 <= months <= MAX_PLAN_MONTHS:
        raise InvalidInputError(f"{where}.months", f"must be 1 to {MAX_PLAN_MONTHS}")
    raw_price = table.get("price")
    price = Decimal(raw_price) if type(raw_price) is int else typed(table, "price", Decimal, where)
    if price < 0:
        raise InvalidInputError(f"{where}.price", "must not be negative")
    sold_for = tuple(str(c) for c in typed(table, "categories", list, where, []))
    unknown = sorted(set(sold_for) - categories)
    if unknown:
        raise InvalidInputError(f"{where}.categories", f"unknown categories {unknown}")
    covers = tuple(
        enum_value(Cause, name, f"{where}.covers") for name in typed(table, "covers", list, where)
    )
    if not covers:
        raise InvalidInputError(f"{where}.covers", "a plan must cover at least one cause")
    starts = typed(table, "starts", str, where, STARTS[0])
    if starts not in STARTS:
        raise InvalidInputError(f"{where}.starts", f"must be one of {list(STARTS)}")
    return ExtendedPlan(
        plan_id=plan_id,
        name=typed(table, "name", str, where),
        months=months,
        starts=starts,
        categories=sold_for,
        covers=covers,
        price=price,
    )
