"""Unit schemas at the API edge: a warranty registration, and a unit's history across claims."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.http.schemas.times import AnswerTime, BusinessTime
from domain.units import Registration, UnitClaim, UnitHistory, UnitWarranty
from domain.units.plans import PlanSale
from domain.values import MODEL_CODE, MODEL_CODE_HINT


class UnitRegistrationIn(BaseModel):
    """A unit registered for its warranty when it was sold."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "serial_no": "XD450-0001823",
                    "model": "XD-450",
                    "purchased_on": "2026-11-10",
                    "channel": "天猫旗舰店",
                    "category": "lighting",
                }
            ]
        },
    )

    serial_no: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=64, description="the model code (XD-450)")
    purchased_on: date
    channel: str = Field(
        min_length=1, max_length=100, description="where it was sold (a shop, a platform)"
    )
    category: str = Field(
        default="",
        max_length=100,
        description="the policy category; lets the unit's warranty be shown before any claim",
    )

    @field_validator("model")
    @classmethod
    def model_is_a_code(cls, model: str) -> str:
        if not MODEL_CODE.fullmatch(model):
            raise ValueError(MODEL_CODE_HINT)
        return model

    def to_kwargs(self) -> dict[str, Any]:
        return self.model_dump()


class PlanSaleIn(BaseModel):
    """An extended warranty plan (延保) the policy offers, sold against a registered unit."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"plan_id": "ext-2y-appliance"}]}
    )

    plan_id: str = Field(
        min_length=1, max_length=100, description="a plan of the policy in force (GET /policy)"
    )
    occurred_at: BusinessTime | None = Field(
        default=None, description="when it was sold (with a zone); default now"
    )


class PlanSalePublic(BaseModel):
    plan_id: str
    name: str
    policy_version: str
    starts_on: date
    ends_on: date
    price: Decimal
    categories: list[str]
    covers: list[str]
    sold_on: date
    sold_by: str

    @classmethod
    def of(cls, sale: PlanSale) -> PlanSalePublic:
        return cls(
            plan_id=sale.plan_id,
            name=sale.name,
            policy_version=sale.policy_version,
            starts_on=sale.starts_on,
            ends_on=sale.ends_on,
            price=sale.price,
            categories=list(sale.categories),
            covers=[c.value for c in sale.covers],
            sold_on=sale.sold_on,
            sold_by=sale.sold_by,
        )


class PlanStatisticsLine(BaseModel):
    plan_id: str
    sold: int = Field(description="plans sold")
    revenue: Decimal = Field(description="what the plans sold were paid")
    claims: int = Field(description="claims reported for a unit while its plan ran")
    items: int
    cost: Decimal = Field(description="what those claim items' work cost (parts, labour, …)")


class PlanStatisticsPublic(BaseModel):
    data: list[PlanStatisticsLine]
    count: int


class RegistrationPublic(BaseModel):
    serial_no: str
    model: str
    purchased_on: date
    channel: str
    category: str
    registered_by: str
    registered_at: AnswerTime
    plans: list[PlanSalePublic] = Field(
        default_factory=list, description="extended warranty plans sold against the unit"
    )

    @classmethod
    def of(cls, registration: Registration) -> RegistrationPublic:
        return cls(
            serial_no=registration.serial_no,
            model=registration.model,
            purchased_on=registration.purchased_on,
            channel=registration.channel,
            category=registration.category,
            registered_by=registration.registered_by.user_id,
            registered_at=registration.registered_at,
            plans=[PlanSalePublic.of(p) for p in registration.plans],
        )


class UnitRegistered(BaseModel):
    registration: RegistrationPublic
    created: bool = Field(description="false when the same registration was recorded before")


class RepairPublic(BaseModel):
    started_on: date
    finished_on: date
    outcome: str
    days_in_repair: int


class UnitClaimPublic(BaseModel):
    """One claim item about a serial of the unit's chain, with its decision and repairs."""

    claim_id: UUID
    claim_number: str
    item_no: int
    serial_no: str
    model: str
    category: str
    reported_on: date
    purchased_on: date
    status: str
    stage: str
    cause: str | None
    remedy: str | None
    rule_id: str | None
    warranty_ends_on: date | None = Field(description="as that claim's decision counted it")
    repairs: list[RepairPublic]

    @classmethod
    def of(cls, claim: UnitClaim) -> UnitClaimPublic:
        fields = {k: v for k, v in vars(claim).items() if k != "repairs"}
        repairs = [
            RepairPublic(
                started_on=r.started_on,
                finished_on=r.finished_on,
                outcome=r.outcome.value,
                days_in_repair=r.days_in_repair,
            )
            for r in claim.repairs
        ]
        return cls(**fields, repairs=repairs)


class ExchangePublic(BaseModel):
    claim_id: UUID
    claim_number: str
    item_no: int
    from_serial: str
    to_serial: str
    batch_no: str
    exchanged_on: date


class WarrantyPublic(BaseModel):
    """The unit's warranty today, and the rule that gives its end."""

    category: str
    policy_version: str
    months: int
    starts_on: date
    start_basis: str = Field(description="purchase, registration or exchange")
    days_in_repair: int = Field(description="days in repair during this warranty, all claims")
    ends_on: date
    failed_repairs: int
    failed_repairs_for_exchange: int
    rule: str


class UnitPublic(BaseModel):
    """A unit's one history across claims: its serials, warranty, claims and remedies."""

    serial_no: str
    chain: list[str] = Field(description="the serials the customer held, oldest first")
    registration: RegistrationPublic | None
    warranty: WarrantyPublic | None = Field(
        description="null while the unit's category is unknown to the policy"
    )
    claims: list[UnitClaimPublic]
    exchanges: list[ExchangePublic]

    @classmethod
    def of(cls, history: UnitHistory, warranty: UnitWarranty | None) -> UnitPublic:
        registration = history.registration
        return cls(
            serial_no=history.serial_no,
            chain=list(history.chain),
            registration=RegistrationPublic.of(registration) if registration else None,
            warranty=WarrantyPublic(**vars(warranty)) if warranty else None,
            claims=[UnitClaimPublic.of(c) for c in history.claims],
            exchanges=[ExchangePublic(**vars(e)) for e in history.exchanges],
        )
