"""Claim schemas at the API edge: the report, the claim as read, lists and history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.http.schemas.customers import CustomerPublic
from api.http.schemas.items import CostsPublic, ItemPublic
from api.http.schemas.times import AnswerTime, BusinessTime, InBusinessTime
from domain.claim import ClaimStatus
from domain.item_track import ItemState
from domain.values import MODEL_CODE, MODEL_CODE_HINT, Customer, Evidence, Item, Purchase
from domain.vocabulary import (
    Channel,
    ClaimKind,
    ComplaintGrade,
    Priority,
    ProblemCategory,
    ProofOfPurchase,
    Remedy,
    Team,
)
from projections.claims.claims_queries import ClaimRow


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(default="", max_length=50)
    email: str = Field(default="", max_length=200)
    region: str = Field(default="", max_length=100)
    customer_id: str = Field(
        default="",
        max_length=100,
        description="your id for the customer (opaque, not personal data); claims sharing it "
        "are erased together; default claim:<claim number>",
    )
    address: str = Field(default="", max_length=500)

    def to_domain(self) -> Customer:
        return Customer(**self.model_dump())


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(
        min_length=1,
        max_length=64,
        description="the model code that trace and filters match exactly (XD-450)",
    )
    model_name: str = Field(
        default="", max_length=200, description="a display name, only shown (吸顶灯)"
    )
    category: str = Field(min_length=1, max_length=100)
    serial_no: str = Field(default="", max_length=100)
    batch_no: str = Field(default="", max_length=100)
    supplier: str = Field(default="", max_length=200)
    quantity: int = Field(default=1, ge=1, le=10_000)
    price: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)

    @field_validator("model")
    @classmethod
    def model_is_a_code(cls, model: str) -> str:
        if not MODEL_CODE.fullmatch(model):
            raise ValueError(MODEL_CODE_HINT)
        return model

    def to_domain(self) -> Item:
        return Item(**self.model_dump())


class PurchaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purchased_on: date
    delivered_on: date | None = None
    proof: ProofOfPurchase = ProofOfPurchase.INVOICE
    payment_method: str = Field(default="", max_length=100)
    order_no: str = Field(default="", max_length=100)

    def to_domain(self) -> Purchase:
        return Purchase(**self.model_dump())


class ClaimReport(BaseModel):
    """A new claim as the service desk takes it down."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "claim_number": "LF-2026-0101",
                    "kind": "exchange",
                    "channel": "phone",
                    "customer": {"name": "刘洋", "phone": "13800138001", "region": "广东"},
                    "items": [
                        {
                            "model": "XD-450",
                            "model_name": "吸顶灯",
                            "category": "lighting",
                            "serial_no": "XD450-0001823",
                            "batch_no": "B2026-07",
                            "supplier": "佛山照明配件厂",
                            "price": "399.00",
                        }
                    ],
                    "purchase": {"purchased_on": "2026-11-10", "payment_method": "alipay"},
                    "requested_remedy": "exchange",
                    "description": "吸顶灯无法点亮",
                }
            ]
        },
    )

    claim_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="the claim number; generated when absent",
    )
    kind: ClaimKind
    channel: Channel
    customer: CustomerIn
    items: list[ItemIn] = Field(min_length=1, max_length=50)
    purchase: PurchaseIn
    requested_remedy: Remedy | None = None
    description: str = Field(default="", max_length=4000)
    occurred_at: BusinessTime | None = Field(
        default=None, description="when the customer reported it (with a zone); default now"
    )

    def to_kwargs(self) -> dict[str, Any]:
        return {
            "claim_number": self.claim_number,
            "occurred_at": self.occurred_at,
            "kind": self.kind,
            "channel": self.channel,
            "customer": self.customer.to_domain(),
            "items": tuple(item.to_domain() for item in self.items),
            "purchase": self.purchase.to_domain(),
            "requested_remedy": self.requested_remedy,
            "description": self.description,
        }


class ClaimPublic(BaseModel):
    """A claim's state, from the aggregate (strongly consistent)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    claim_number: str
    version: int
    status: ClaimStatus
    kind: ClaimKind
    channel: Channel
    customer: CustomerPublic
    purchase: Purchase
    requested_remedy: Remedy | None
    description: str
    items: list[ItemPublic]
    costs: CostsPublic = Field(description="totals of parts, labour, shipping and refunds")
    problem_category: ProblemCategory | None
    priority: Priority
    complaint_grade: ComplaintGrade | None
    team: Team | None
    assignee: str | None
    reported_at: AnswerTime
    acknowledged_at: AnswerTime | None
    promised_by: date | None
    finding: str | None
    escalation_level: int
    sla_paused: bool
    confirmed: bool
    followed_up: bool
    satisfaction: int | None
    evidence: Annotated[list[Evidence], InBusinessTime]
    note_count: int
    outcome_reason: str | None

    @field_validator("items", mode="before")
    @classmethod
    def items_with_units(cls, items: list[Any]) -> list[Any]:
        """The aggregate's item states, with each unit's remedy and the decided price."""
        return [ItemPublic.of(i) if isinstance(i, ItemState) else i for i in items]


class ClaimChange(BaseModel):
    """A command's outcome: the claim's new version and the ledger position of its events."""

    claim_id: UUID
    claim_number: str
    version: int
    position: int = Field(description="pass as min_position to read your write from the views")


class ClaimReported(ClaimChange):
    """A reported claim, with its state."""

    claim: ClaimPublic


class ClaimsPublic(BaseModel):
    """One page of claims from the claims view."""

    data: Annotated[list[ClaimRow], InBusinessTime]
    count: int
    next_cursor: str | None


class HistoryEntryPublic(BaseModel):
    version: int
    event_type: str
    actor: str
    role: str
    occurred_at: AnswerTime
    recorded_at: AnswerTime
    data: Annotated[dict[str, Any], InBusinessTime]


class HistoryPublic(BaseModel):
    """A claim's events in order, each with its actor and both times."""

    claim_id: UUID
    data: list[HistoryEntryPublic]
    count: int
