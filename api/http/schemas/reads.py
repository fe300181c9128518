"""Schemas of the view-backed reads and the policy resource."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.times import InBusinessTime
from domain.policy import PolicyDocument
from domain.values import PolicyQuery, RepairRecord
from domain.vocabulary import Cause, ProofOfPurchase, RepairOutcome
from projections.audit.audit_queries import AuditRow
from projections.reports.satisfaction import SatisfactionRow
from projections.reports.statistics import ModelFaults, RegionReturns
from projections.reports.warranty_costs import CostLine
from projections.sla.breach_owners import OwnerBreaches
from projections.sla.sla_queries import SlaClock


class AuditPublic(BaseModel):
    """A page of the audit trail; pass ``next_after_position`` back for the next page."""

    data: Annotated[list[AuditRow], InBusinessTime]
    count: int
    next_after_position: int | None


class BreachesPublic(BaseModel):
    """SLA breaches as facts: runs recorded breached, or stopped after their due time."""

    data: Annotated[list[SlaClock], InBusinessTime]
    count: int


class SatisfactionPublic(BaseModel):
    """Satisfaction per month, team and assignee (target: ≥ 95 % three months running)."""

    data: list[SatisfactionRow]
    count: int


class PolicyPublic(BaseModel):
    """A version of the 三包 policy, and every version known."""

    versions: list[str]
    policy: PolicyDocument


class RepairIn(BaseModel):
    started_on: date
    finished_on: date
    outcome: RepairOutcome


class PolicyEvaluation(BaseModel):
    """The facts of one item, for a dry-run coverage decision (nothing is recorded)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "category": "lighting",
                    "purchased_on": "2026-11-01",
                    "reported_on": "2026-11-12",
                    "cause": "quality_defect",
                    "price": "399.00",
                }
            ]
        },
    )

    category: str = Field(min_length=1, max_length=100)
    purchased_on: date
    delivered_on: date | None = None
    reported_on: date
    cause: Cause
    proof: ProofOfPurchase = ProofOfPurchase.INVOICE
    price: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    repairs: list[RepairIn] = Field(default_factory=list, max_length=20)
    exchanged_on: date | None = None
    goods_used: bool = False
    version: str | None = Field(
        default=None, max_length=50, description="policy version; default: in force on reported_on"
    )

    def to_query(self) -> PolicyQuery:
        fields = self.model_dump(exclude={"repairs", "version"})
        repairs = tuple(RepairRecord(r.started_on, r.finished_on, r.outcome) for r in self.repairs)
        return PolicyQuery(**fields, repairs=repairs)


class FiguresPublic(BaseModel):
    """One group's figures; ``complaint_rate`` is null for a group without claims."""

    model_config = ConfigDict(from_attributes=True)

    claims: int
    items: int
    repairs: int
    failed_repairs: int
    exchanges: int
    returns: int
    refunds: int
    refund_amount: Decimal
    complaints: int
    complaint_rate: float | None


class ProcessingTimePublic(BaseModel):
    """Working hours from report to resolution; the hours are null for a group without claims."""

    model_config = ConfigDict(from_attributes=True)

    claims: int
    mean_hours: float | None
    median_hours: float | None
    max_hours: float | None


class MonthlyProcessingTimePublic(BaseModel):
    """Processing time of the claims resolved in the month (China time), by model and team."""

    model_config = ConfigDict(from_attributes=True)

    total: ProcessingTimePublic
    by_model: dict[str, ProcessingTimePublic]
    by_team: dict[str, ProcessingTimePublic]


class WarrantyCostsPublic(BaseModel):
    """Warranty cost spent in a month (parts, labour, shipping, refunds) grouped one way,
    largest first; model, supplier and cause are the item's."""

    model_config = ConfigDict(from_attributes=True)

    month: date
    by: str
    total: Decimal
    lines: list[CostLine]


class MonthlyReport(BaseModel):
    """The claims reported in a month: figures by group, and the outlier flags.

    ``processing_time`` covers the claims *resolved* in the month and
    ``sla_breaches`` the SLA runs that fell due in it, each counted for the team
    and assignee holding the claim at the due time.
    """

    model_config = ConfigDict(from_attributes=True)

    month: date
    total: FiguresPublic
    by_category: dict[str, FiguresPublic]
    by_problem: dict[str, FiguresPublic]
    by_cause: dict[str, FiguresPublic]
    by_model: dict[str, FiguresPublic]
    by_region: dict[str, FiguresPublic]
    model_faults: list[ModelFaults]
    region_returns: list[RegionReturns]
    methods: dict[str, str]
    processing_time: MonthlyProcessingTimePublic
    sla_breaches: list[OwnerBreaches]
    warranty_costs: dict[str, WarrantyCostsPublic] = Field(
        description="the month's warranty cost by model, by supplier and by cause"
    )
