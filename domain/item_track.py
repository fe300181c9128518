"""Where each item of a claim stands on its remedy: the per-item half of the lifecycle.

Remedies apply per item: one claim can repair one lamp and refund another. An
item is a line of the purchase (4 × ¥100 bulbs); its remedy covers all of the
line's units or, as the diagnosis says, some of them (exchange 2 of 4), and
``units`` shows each unit's remedy. Which command is allowed in which stage is the state table's
(``domain.state_guards``); the stages are mutated only from the aggregate's
event methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from domain.values import Costs, CoverageDecision, Item, RepairRecord
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
    # The units the remedy covers; None (diagnoses recorded before quantities) the line's.
    remedy_quantity: int | None = None
    # The replacement serials of the latest exchange, one per unit exchanged.
    replacement_serial_nos: list[str] = field(default_factory=list)
    costs: Costs = Costs()
    # The catalogue's fault code of the latest diagnosis ("" when none was named).
    fault_code: str = ""

    @property
    def units_covered(self) -> int:
        """How many of the line's units the remedy covers."""
        return self.remedy_quantity or self.item.quantity

    @property
    def paid(self) -> bool:
        """True when the decision makes the customer pay for the work (quote first).

        A return is never quoted: its refund is the price less the decision's
        deductions (``domain.refunds``), so only other paid work needs a quote.
        """
        return (
            self.decision is not None
            and not self.decision.free
            and self.remedy is not Remedy.RETURN
        )

    @property
    def units(self) -> list[UnitProgress]:
        """Each unit of the line with its remedy: the covered units first, in order."""
        covered = self.units_covered
        serials = self.replacement_serial_nos or (
            [self.replacement_serial_no] if self.replacement_serial_no else []
        )
        return [
            UnitProgress(
                unit=n,
                remedy=self.remedy if n <= covered else None,
                stage=self.stage if n <= covered else ItemStage.NO_REMEDY,
                replacement_serial_no=serials[n - 1] if n <= len(serials) else "",
            )
            for n in range(1, self.item.quantity + 1)
        ]


@dataclass(frozen=True)
class UnitProgress:
    """One unit of an item line: its remedy, where it stands and its replacement."""

    unit: int
    remedy: Remedy | None
    stage: ItemStage
    replacement_serial_no: str = ""
