"""One request schema per claim command; ``to_kwargs`` gives the domain command's arguments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.times import BusinessTime
from domain.values import Deduction, Evidence, QuoteLine, RepairWork
from domain.vocabulary import (
    Cause,
    ComplaintGrade,
    EscalationReason,
    InspectionResult,
    PauseReason,
    Priority,
    ProblemCategory,
    Remedy,
    RepairMode,
    RepairOutcome,
    Team,
)

Text = Field(min_length=1, max_length=4000)
Money = Field(ge=0, max_digits=12, decimal_places=2)
ItemNo = Field(ge=1, le=50, description="the item's number in the claim (1-based)")


def example(**fields: Any) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [fields]})


class CommandBody(BaseModel):
    """Fields every command accepts."""

    model_config = ConfigDict(extra="forbid")

    occurred_at: BusinessTime | None = Field(
        default=None, description="when it happened in the business (with a zone); default now"
    )

    def to_kwargs(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in type(self).model_fields}


class ClaimClassify(CommandBody):
    model_config = example(problem_category="product_fault", priority="normal")
    problem_category: ProblemCategory
    priority: Priority = Priority.NORMAL
    complaint_grade: ComplaintGrade | None = None


class ClaimAssign(CommandBody):
    model_config = example(team="technical_support", assignee="li.qiang")
    team: Team
    assignee: str = Field(min_length=1, max_length=100)


class ClaimAcknowledge(CommandBody):
    model_config = example(message="已收到，正在处理", promised_by="2026-12-01")
    message: str = Text
    promised_by: date | None = None


class ClaimDiagnose(CommandBody):
    model_config = example(finding="线路故障（焊点虚接）", cause="quality_defect", item_no=1)
    finding: str = Text
    cause: Cause
    item_no: int | None = Field(default=None, ge=1, le=50)
    remedy: Remedy | None = Field(default=None, description="default: as requested, if allowed")
    goods_used: bool = False
    quantity: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="how many of the line's units the remedy covers (exchange 2 of 4); "
        "default: all of them",
    )
    fault_code: str = Field(
        default="",
        max_length=64,
        description="a fault code of the standard solutions' catalogue for the item's "
        "category and model (GET /api/v1/repair-solutions); the finding stays free text",
    )


class QuoteLineIn(BaseModel):
    description: str = Field(min_length=1, max_length=500)
    amount: Decimal = Money


class ClaimQuote(CommandBody):
    """Where the 三包 decision fixes the price (a paid exchange at the policy's
    discount), the item shows it as ``quote_due`` and a quote without ``lines`` takes
    it; lines adding up to another amount need a supervisor's ``override_reason``."""

    model_config = example(item_no=1, lines=[{"description": "更换灯座", "amount": "85.00"}])
    item_no: int = ItemNo
    lines: list[QuoteLineIn] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="omitted: the price the decision fixes (the item's quote_due); "
        "needed where the decision fixes none",
    )
    override_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="a supervisor's reason for a quote that differs from the decided "
        "price; recorded on the Quoted event",
    )

    def to_kwargs(self) -> dict[str, Any]:
        lines = (
            None
            if self.lines is None
            else tuple(QuoteLine(line.description, line.amount) for line in self.lines)
        )
        return {
            **super().to_kwargs(),
            "lines": lines,
            "override_reason": self.override_reason or "",
        }


class ItemCommand(CommandBody):
    model_config = example(item_no=1)
    item_no: int = ItemNo


class ClaimAcceptQuote(ItemCommand):
    pass


class ClaimDeclineQuote(ItemCommand):
    model_config = example(item_no=1, reason="too expensive")
    reason: str = Field(default="", max_length=1000)


class ClaimScheduleRepair(ItemCommand):
    model_config = example(item_no=1, mode="on_site", scheduled_for="2026-12-02T10:00:00+08:00")
    mode: RepairMode
    scheduled_for: BusinessTime = Field(
        description="with a zone; from the command's time to two years after"
    )


class ClaimStartRepair(ItemCommand):
    model_config = example(item_no=1, mode="mail_in")
    mode: RepairMode


class ClaimRecordRepair(ItemCommand):
    model_config = example(item_no=1, outcome="fixed", parts=["灯座"], labour_hours="1.5")
    outcome: RepairOutcome
    solution_id: str = Field(
        default="",
        max_length=64,
        description="the catalogue's standard solution applied: one of the diagnosed "
        "fault code's, or of the item's category and model",
    )
    parts: list[str] = Field(default_factory=list, max_length=50)
    labour_hours: Decimal = Field(default=Decimal("0"), ge=0, max_digits=6, decimal_places=2)
    cost: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="the repair's whole cost; default: parts_cost + labour_cost",
    )
    parts_cost: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    labour_cost: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="a cost not broken down into parts and labour counts as labour",
    )

    def to_kwargs(self) -> dict[str, Any]:
        work = RepairWork(
            tuple(self.parts), self.labour_hours, self.cost, self.parts_cost, self.labour_cost
        )
        return {
            "occurred_at": self.occurred_at,
            "item_no": self.item_no,
            "outcome": self.outcome,
            "work": work,
            "solution_id": self.solution_id,
        }


class ClaimShipReplacement(ItemCommand):
    """One replacement per unit the remedy covers, each with its own serial number:
    ``serial_nos`` (or ``serial_no`` for a single unit)."""

    model_config = example(item_no=1, serial_no="XD450-0002417")
    serial_no: str = Field(default="", max_length=100)
    serial_nos: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        max_length=10_000,
        description="one serial per unit exchanged, in unit order",
    )
    batch_no: str = Field(default="", max_length=100)
    shipping_cost: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)

    def to_kwargs(self) -> dict[str, Any]:
        return {**super().to_kwargs(), "serial_nos": tuple(self.serial_nos)}


class ClaimReceiveReturn(ItemCommand):
    model_config = example(item_no=1, inspection="as_described")
    inspection: InspectionResult
    note: str = Field(default="", max_length=1000)
    shipping_cost: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)


class DeductionIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)
    amount: Decimal = Money


class ClaimRefund(ItemCommand):
    """A refund follows the 三包 decision: price paid × quantity − the decision's
    deductions, back the way it was paid (原路返回). Left out, the amount, the
    deductions and the route are computed from the decision and the purchase; a
    different value needs a supervisor's ``override_reason``."""

    model_config = example(item_no=1, route="alipay")
    amount: Decimal | None = Field(
        default=None,
        gt=0,
        max_digits=12,
        decimal_places=2,
        description="omitted: the ledger computes price paid × quantity − the decision's "
        "deductions; a different amount needs a supervisor's override",
    )
    deductions: list[DeductionIn] | None = Field(
        default=None,
        max_length=20,
        description="omitted: the decision's deductions; others need a supervisor's override",
    )
    route: str = Field(
        default="",
        max_length=100,
        description="the original payment route (alipay, wechat_pay, bank_card, "
        "bank_transfer, cash, or the purchase's own payment method); omitted: the "
        "purchase's; a different route needs a supervisor's override",
    )
    override_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="a supervisor's reason for an amount, deductions or route that "
        "differ from the decision's; recorded on the Refunded event",
    )

    def to_kwargs(self) -> dict[str, Any]:
        deductions = (
            None
            if self.deductions is None
            else tuple(Deduction(d.reason, d.amount) for d in self.deductions)
        )
        return {
            **super().to_kwargs(),
            "deductions": deductions,
            "override_reason": self.override_reason or "",
        }


class ClaimEscalate(CommandBody):
    model_config = example(reason="customer_dissatisfied", note="second failed repair")
    reason: EscalationReason
    note: str = Field(default="", max_length=1000)


class ClaimPauseSla(CommandBody):
    model_config = example(reason="waiting_on_parts")
    reason: PauseReason


class ClaimResumeSla(CommandBody):
    model_config = example()


class ClaimConfirm(CommandBody):
    model_config = example(note="客户确认满意")
    note: str = Field(default="", max_length=1000)


class ClaimFollowUp(CommandBody):
    model_config = example(outcome="回访：使用正常")
    outcome: str = Text


class ClaimSurvey(CommandBody):
    model_config = example(score=5, comment="换货很快")
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class ClaimReason(CommandBody):
    model_config = example(reason="免费更换完成")
    reason: str = Text


class ClaimClose(ClaimReason):
    model_config = example(reason="投诉处理完毕")
    override_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="a supervisor's reason to close without the customer's confirmation "
        "where the policy asks for it",
    )

    def to_kwargs(self) -> dict[str, Any]:
        return {**super().to_kwargs(), "override_reason": self.override_reason or ""}


class ClaimNote(CommandBody):
    model_config = example(text="客户来电询问进度")
    text: str = Text


class ClaimEvidence(CommandBody):
    model_config = example(sha256="a" * 64, media_type="image/jpeg", description="破损照片")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: str = Field(pattern=r"^[\w.+-]+/[\w.+-]+$", max_length=100)
    description: str = Field(default="", max_length=1000)

    def to_kwargs(self) -> dict[str, Any]:
        evidence = Evidence(self.sha256, self.media_type, self.description)
        return {"occurred_at": self.occurred_at, "evidence": evidence}
