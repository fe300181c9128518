"""Where each item of a claim stands on its remedy: the per-item half of the lifecycle.

Remedies apply per item: one claim can repair one lamp and refund another.
The checks here raise before any event is triggered; the mutators are called
only from the aggregate's event methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from domain.errors import LifecycleError, QuoteRequiredError
from domain.values import CoverageDecision, Item, RepairRecord
from domain.vocabulary import Cause, Remedy


class ItemStage(Enum):
    PENDING = "pending"
    DIAGNOSED = "diagnosed"
    QUOTED = "quoted"
    QUOTE_ACCEPTED = "quote_accepted"
    QUOTE_DECLINED = "quote_declined"
    REPAIR_SCHEDULED = "repair_scheduled"
    IN_REPAIR = "in_repair"
    REPAIRED = "repaired"
    REPAIR_FAILED = "repair_failed"
    RETURN_RECEIVED = "return_received"
    REPLACED = "replaced"
    REFUNDED = "refunded"
    NO_REMEDY = "no_remedy"


# Stages in which nothing more is owed on the item (the claim can be resolved).
SETTLED = frozenset(
    {
        ItemStage.REPAIRED,
        ItemStage.REPLACED,
        ItemStage.REFUNDED,
        ItemStage.NO_REMEDY,
        ItemStage.QUOTE_DECLINED,
    }
)
# Stages in which work is under way: a new diagnosis or a rejection must wait.
WORK_IN_PROGRESS = frozenset(
    {
        ItemStage.QUOTED,
        ItemStage.QUOTE_ACCEPTED,
        ItemStage.REPAIR_SCHEDULED,
        ItemStage.IN_REPAIR,
        ItemStage.RETURN_RECEIVED,
    }
)
REMEDY_DONE = frozenset({ItemStage.REPAIRED, ItemStage.REPLACED, ItemStage.REFUNDED})


@dataclass
class ItemState:
    """One item of a claim and everything that happened to it."""

    no: int
    item: Item
    stage: ItemStage = ItemStage.PENDING
    cause: Cause | None = None
    decision: CoverageDecision | None = None
    remedy: Remedy | None = None
    quoted_amount: Decimal | None = None
    repair_started_on: date | None = None
    repairs: list[RepairRecord] = field(default_factory=list)
    replacement_serial_no: str = ""
    exchanged_on: date | None = None
    refunded_amount: Decimal = Decimal("0")

    @property
    def paid(self) -> bool:
        """True when the decision makes the customer pay for the work (quote first)."""
        return self.decision is not None and not self.decision.free

    def refuse(self, action: str, reason: str) -> LifecycleError:
        return LifecycleError(action, f"item {self.no} {self.stage.value}", reason)

    def check_can_diagnose(self) -> None:
        if self.stage in WORK_IN_PROGRESS:
            raise self.refuse("diagnose", "work on the item is under way")
        if self.stage is ItemStage.REFUNDED:
            raise self.refuse("diagnose", "the item was refunded")

    def check_can_quote(self) -> None:
        if self.stage not in (ItemStage.DIAGNOSED, ItemStage.QUOTE_DECLINED):
            raise self.refuse("quote", "a quote follows a diagnosis")
        assert self.decision is not None
        if self.decision.free:
            raise self.refuse("quote", f"the work is free under rule {self.decision.rule_id}")

    def check_stage(self, action: str, *allowed: ItemStage) -> None:
        if self.stage not in allowed:
            expected = ", ".join(s.value for s in allowed)
            raise self.refuse(action, f"expected the item to be {expected}")

    def check_remedy(self, action: str, *remedies: Remedy) -> None:
        if self.remedy not in remedies:
            chosen = self.remedy.value if self.remedy else "none"
            raise self.refuse(action, f"the chosen remedy is {chosen}")

    def check_quote_accepted_if_paid(self, action: str) -> None:
        if self.paid and self.stage is not ItemStage.QUOTE_ACCEPTED:
            raise QuoteRequiredError(
                action,
                f"item {self.no} {self.stage.value}",
                "paid work needs a quote the customer accepted",
            )

    def check_can_start_repair(self) -> None:
        self.check_remedy("start repair", Remedy.REPAIR)
        if self.stage is ItemStage.REPAIR_SCHEDULED:
            return
        self.check_quote_accepted_if_paid("start repair")
        self.check_stage(
            "start repair",
            ItemStage.DIAGNOSED,
            ItemStage.QUOTE_ACCEPTED,
            ItemStage.REPAIR_FAILED,
        )

    def check_can_ship_replacement(self) -> None:
        self.check_remedy("ship a replacement", Remedy.EXCHANGE)
        if self.stage is not ItemStage.RETURN_RECEIVED:
            self.check_quote_accepted_if_paid("ship a replacement")
            self.check_stage("ship a replacement", ItemStage.DIAGNOSED, ItemStage.QUOTE_ACCEPTED)

    def check_can_receive_return(self) -> None:
        self.check_remedy("receive a return", Remedy.RETURN, Remedy.EXCHANGE)
        self.check_quote_accepted_if_paid("receive a return")
        self.check_stage("receive a return", ItemStage.DIAGNOSED, ItemStage.QUOTE_ACCEPTED)

    def check_can_refund(self, amount: Decimal, deducted: Decimal) -> None:
        self.check_remedy("refund", Remedy.RETURN)
        self.check_stage("refund", ItemStage.RETURN_RECEIVED)
        paid_price = self.item.price * self.item.quantity
        if amount + deducted > paid_price:
            raise self.refuse(
                "refund",
                f"amount {amount} plus deductions {deducted} exceed the price {paid_price}",
            )
