"""A 三包 policy document: one version's category terms and its ordered rule table.

The document is data: it is read from a TOML file (see ``parsing``) and only
interpreted by ``evaluation``. Nothing here knows the windows' numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from domain.errors import InvalidInputError, UnknownCategoryError
from domain.policy.closing import ClosingTerms
from domain.policy.fees import RepairFees
from domain.policy.plans import ExtendedPlan
from domain.vocabulary import Cause, Payer, Remedy, Team

# A category table of this name, when a document has one, answers for every
# category the document does not list.
DEFAULT_CATEGORY = "default"


class Window(Enum):
    """Which time window a rule requires; days count from receipt (day 0)."""

    RETURN = "return"  # days since receipt ≤ return_days
    EXCHANGE = "exchange"  # days since receipt ≤ exchange_days
    WARRANTY = "warranty"  # reported on or before the last covered day
    ANY = "any"


class ProofCondition(Enum):
    """Whether a rule needs proof of purchase (三包凭证), or fires on its absence."""

    REQUIRED = "required"
    ABSENT = "absent"
    ANY = "any"


@dataclass(frozen=True)
class Terms:
    """The numbers of one product category: windows, warranty, money."""

    return_days: int
    exchange_days: int
    warranty_months: int
    failed_repairs_for_exchange: int
    daily_depreciation_rate: Decimal
    negotiated_discount: Decimal
    refund_within_days: int


@dataclass(frozen=True)
class Conditions:
    """What must hold for a rule to fire; every condition must match."""

    causes: tuple[Cause, ...]
    window: Window = Window.ANY
    proof: ProofCondition = ProofCondition.ANY
    repeated_failure: bool = False
    goods_used: bool | None = None  # None: used or not

    @property
    def is_catch_all(self) -> bool:
        """True when only the cause is tested, so the rule always fires for it."""
        return (
            self.window is Window.ANY
            and self.proof is ProofCondition.ANY
            and not self.repeated_failure
            and self.goods_used is None
        )


@dataclass(frozen=True)
class Outcome:
    """What a rule grants, who is responsible and who pays the shipping."""

    remedies: tuple[Remedy, ...]
    free: bool
    responsible: Payer
    shipping_payer: Payer
    route_to: Team | None = None
    depreciation: bool = False
    negotiated_discount: bool = False


@dataclass(frozen=True)
class Rule:
    """One row of the rule table; its id is recorded with every decision it makes."""

    rule_id: str
    conditions: Conditions
    outcome: Outcome
    explanation: str
    explanation_zh: str = ""
    """The explanation in Chinese, for the console; empty when the document has none."""


@dataclass(frozen=True)
class PolicyDocument:
    """One version of the 三包 policy, in force from ``effective_from``."""

    version: str
    effective_from: date
    categories: dict[str, Terms]
    rules: tuple[Rule, ...]
    closing: ClosingTerms = ClosingTerms()
    repair_fees: RepairFees = RepairFees()
    plans: dict[str, ExtendedPlan] = field(default_factory=dict)

    def terms_for(self, category: str, field: str = "category") -> Terms:
        """The category's terms, else the ``default`` category's; raises if neither exists
        (UnknownCategoryError naming ``field`` and the valid categories)."""
        terms = self.categories.get(category) or self.categories.get(DEFAULT_CATEGORY)
        if terms is None:
            valid = tuple(sorted(self.categories))
            raise UnknownCategoryError(category, self.version, valid, field)
        return terms

    def plan(self, plan_id: str) -> ExtendedPlan:
        """The extended warranty plan of that id; InvalidInputError naming those offered."""
        found = self.plans.get(plan_id)
        if found is None:
            offered = ", ".join(sorted(self.plans)) or "none"
            raise InvalidInputError(
                "plan_id",
                f"policy {self.version} offers no plan {plan_id!r}; plans offered: {offered}",
                f"三包政策 {self.version} 没有延保方案 {plan_id!r}；可选方案：{offered}",
            )
        return found

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (to explain a recorded decision); KeyError if absent."""
        for rule in self.rules:
            if rule.rule_id == rule_id:
                return rule
        raise KeyError(rule_id)
