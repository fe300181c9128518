"""An item of a claim as read: its line, its decision and remedy, each unit's remedy, its costs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.item_track import ItemStage, ItemState
from domain.quotes import quote_due
from domain.values import CoverageDecision, Item, QuoteLine, RepairRecord
from domain.vocabulary import Cause, Remedy


class CostsPublic(BaseModel):
    """What the work cost the seller: parts, labour, shipping, refunds and their total."""

    model_config = ConfigDict(from_attributes=True)

    parts: Decimal
    labour: Decimal
    shipping: Decimal
    refunds: Decimal
    total: Decimal


class UnitPublic(BaseModel):
    """One unit of the item's line: its remedy, where it stands, its replacement serial."""

    model_config = ConfigDict(from_attributes=True)

    unit: int
    remedy: Remedy | None
    stage: ItemStage
    replacement_serial_no: str


class ItemPublic(BaseModel):
    """One item of the claim, with each unit's remedy and the price its decision fixes."""

    model_config = ConfigDict(from_attributes=True)

    no: int
    item: Item
    stage: ItemStage
    cause: Cause | None
    decision: CoverageDecision | None
    remedy: Remedy | None
    remedy_quantity: int = Field(description="how many of the line's units the remedy covers")
    quote_due: QuoteLine | None = Field(
        description="the price the decision fixes for the paid work, shown before the quote; "
        "a quote without lines takes it"
    )
    quoted_amount: Decimal | None
    repair_started_on: date | None
    repairs: list[RepairRecord]
    replacement_serial_no: str
    replacement_serial_nos: list[str]
    exchanged_on: date | None
    refunded_amount: Decimal
    units: list[UnitPublic]
    costs: CostsPublic

    @classmethod
    def of(cls, state: ItemState) -> ItemPublic:
        computed = {"remedy_quantity": state.units_covered, "quote_due": quote_due(state)}
        fields = {name: getattr(state, name) for name in cls.model_fields if name not in computed}
        return cls.model_validate({**fields, **computed})
