"""Builders for claims in a given state, for the aggregate's unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.claim import Claim
from domain.personal_data import EphemeralCustomerKeys, seal_for_claim
from domain.values import (
    Actor,
    CoverageDecision,
    Customer,
    Item,
    Purchase,
    QuoteLine,
    RepairWork,
    SealedCustomer,
)
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    Payer,
    Priority,
    ProblemCategory,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
)

AGENT = Actor("agent-1", Role.AGENT)
TECH = Actor("tech-1", Role.TECHNICIAN)
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def lamp(serial: str = "SN-1", price: str = "200.00") -> Item:
    return Item(
        model="XD-450",
        category="lighting",
        serial_no=serial,
        batch_no="B1",
        supplier="S1",
        price=Decimal(price),
    )


KEYS = EphemeralCustomerKeys()


def sealed(customer: Customer, claim_number: str = "C-1") -> SealedCustomer:
    """The customer sealed, as the ledger application hands them to ``Claim.report``."""
    return seal_for_claim(KEYS, customer, Claim.create_id(claim_number), claim_number)


def reported(kind: ClaimKind = ClaimKind.REPAIR, items: tuple[Item, ...] | None = None) -> Claim:
    claim = Claim.report(
        claim_number="C-1",
        actor=AGENT,
        occurred_at=T0,
        kind=kind,
        channel=Channel.PHONE,
        customer=sealed(Customer(name="刘洋", phone="13800138000", region="广东")),
        items=items or (lamp(),),
        purchase=Purchase(purchased_on=date(2026, 10, 1), delivered_on=date(2026, 10, 2)),
        requested_remedy=Remedy.REPAIR,
        description="does not light",
    )
    return claim


def decision(*remedies: Remedy, free: bool = True) -> CoverageDecision:
    return CoverageDecision(
        rule_id="test-rule",
        policy_version="test",
        remedies=remedies,
        free=free,
        responsible=Payer.SELLER if free else Payer.CUSTOMER,
        shipping_payer=Payer.SELLER if free else Payer.CUSTOMER,
        explanation="for tests",
    )


def diagnosed(remedy: Remedy = Remedy.REPAIR, free: bool = True, **kw: object) -> Claim:
    claim = reported(**kw)  # type: ignore[arg-type]
    claim.classify(AGENT, at(1), ProblemCategory.PRODUCT_FAULT, Priority.NORMAL)
    chosen = decision(remedy, free=free)
    claim.diagnose(TECH, at(2), "fault", Cause.QUALITY_DEFECT, 1, chosen, remedy)
    return claim


def repaired(outcome: RepairOutcome = RepairOutcome.FIXED) -> Claim:
    claim = diagnosed()
    claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    claim.record_repair(TECH, at(4), 1, outcome, RepairWork())
    return claim


def quoted() -> Claim:
    claim = diagnosed(free=False)
    claim.quote(TECH, at(3), 1, (QuoteLine("parts", Decimal("80")),))
    return claim
