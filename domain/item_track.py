"""Where each item of a claim stands on its remedy: the per-item half of the lifecycle.

Remedies apply per item: one claim can repair one lamp and refund another.
Which command is allowed in which stage is the state table's
(``domain.state_guards``); the stages are mutated only from the aggregate's
event methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

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
