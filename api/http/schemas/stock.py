"""Request and answer bodies of the stock and the standard repair solutions."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.catalogue import Fault, Solution
from domain.stock import StockItem

Key = Field(min_length=1, max_length=100)


class StockReceiptIn(BaseModel):
    """Units received into a warehouse (the item is listed with its first receipt)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"warehouse": "main", "sku": "XD-450", "quantity": 5, "low_stock_at": 2}]
        },
    )
    warehouse: str = Key
    sku: str = Field(
        min_length=1, max_length=100, description="a replacement unit's model code or a part"
    )
    quantity: int = Field(ge=1, le=1_000_000)
    low_stock_at: int | None = Field(
        default=None, ge=0, le=1_000_000, description="flag the item low at or below this many"
    )
    note: str = Field(default="", max_length=1000)


class StockReturnIn(BaseModel):
    """Units back on the shelf of an item stocked before (an unused part, a unit sent back)."""

    model_config = ConfigDict(extra="forbid")
    warehouse: str = Key
    sku: str = Key
    quantity: int = Field(ge=1, le=1_000_000)
    note: str = Field(default="", max_length=1000)


class StockReservationIn(BaseModel):
    """Reserve the replacement units of an exchange that waits for stock."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"claim_number": "SB-2026-0001"}]}
    )
    claim_number: str = Field(min_length=1, max_length=100)
    item_no: int = Field(default=1, ge=1, le=50)


class ReservationPublic(BaseModel):
    claim_id: str
    item_no: int
    claim_number: str
    quantity: int


class StockItemPublic(BaseModel):
    warehouse: str
    sku: str
    on_hand: int
    reserved: int
    available: int = Field(description="on hand and not reserved; below zero: a shortage")
    low_stock_at: int
    low: bool = Field(description="available at or below low_stock_at (never when it is 0)")
    reservations: list[ReservationPublic]

    @classmethod
    def of(cls, item: StockItem) -> StockItemPublic:
        reservations = []
        for key, quantity in item.reservations.items():
            claim_id, _, item_no = key.rpartition("#")
            reservations.append(
                ReservationPublic(
                    claim_id=claim_id,
                    item_no=int(item_no),
                    claim_number=item.reserved_for.get(key, ""),
                    quantity=quantity,
                )
            )
        return cls(
            warehouse=item.warehouse,
            sku=item.sku,
            on_hand=item.on_hand,
            reserved=item.reserved,
            available=item.available,
            low_stock_at=item.low_stock_at,
            low=item.low,
            reservations=reservations,
        )


class StockPublic(BaseModel):
    data: list[StockItemPublic]
    count: int
    low: int = Field(description="how many items are flagged low")


class SolutionPublic(BaseModel):
    solution_id: str
    name_en: str
    name_zh: str
    parts: list[str]
    labour_hours: Decimal

    @classmethod
    def of(cls, solution: Solution) -> SolutionPublic:
        return cls(
            solution_id=solution.solution_id,
            name_en=solution.name_en,
            name_zh=solution.name_zh,
            parts=list(solution.parts),
            labour_hours=solution.labour_hours,
        )


class FaultPublic(BaseModel):
    fault_code: str
    category: str
    models: list[str] = Field(description="empty: every model of the category")
    name_en: str
    name_zh: str
    solutions: list[SolutionPublic]

    @classmethod
    def of(cls, fault: Fault) -> FaultPublic:
        return cls(
            fault_code=fault.code,
            category=fault.category,
            models=list(fault.models),
            name_en=fault.name_en,
            name_zh=fault.name_zh,
            solutions=[SolutionPublic.of(s) for s in fault.solutions],
        )


class CataloguePublic(BaseModel):
    version: str
    data: list[FaultPublic]
    count: int


class FaultCountPublic(BaseModel):
    fault_code: str
    items: int


class SolutionLinePublic(BaseModel):
    fault_code: str
    solution_id: str
    repairs: int
    first_attempts: int
    fixed_first_time: int
    first_time_fix_rate: Decimal | None = Field(
        description="fixed at the first attempt / first attempts; null without any"
    )


class SolutionStatisticsPublic(BaseModel):
    month: str
    faults: list[FaultCountPublic]
    solutions: list[SolutionLinePublic]
