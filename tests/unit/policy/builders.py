"""Builders for 三包 policy queries against the shipped policy document."""

from __future__ import annotations

import copy
import tomllib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.policy import PolicyDocument, default_policy_book, evaluate
from domain.policy.book import VERSIONS_FOLDER
from domain.values import CoverageDecision, PolicyQuery, RepairRecord
from domain.vocabulary import Cause, ProofOfPurchase, RepairOutcome

POLICY: PolicyDocument = default_policy_book().get("2026.1")
BOUGHT = date(2026, 3, 2)
PRICE = Decimal("199.00")


def query(
    cause: Cause = Cause.QUALITY_DEFECT,
    day: int = 0,
    *,
    category: str = "lighting",
    purchased_on: date = BOUGHT,
    delivered_on: date | None = None,
    proof: ProofOfPurchase = ProofOfPurchase.INVOICE,
    price: Decimal = PRICE,
    repairs: tuple[RepairRecord, ...] = (),
    exchanged_on: date | None = None,
    goods_used: bool = False,
) -> PolicyQuery:
    """A query reported ``day`` days after receipt (delivery, else purchase)."""
    received = delivered_on or purchased_on
    return PolicyQuery(
        category=category,
        purchased_on=purchased_on,
        reported_on=received + timedelta(days=day),
        cause=cause,
        delivered_on=delivered_on,
        proof=proof,
        price=price,
        repairs=repairs,
        exchanged_on=exchanged_on,
        goods_used=goods_used,
    )


def decide(cause: Cause = Cause.QUALITY_DEFECT, day: int = 0, **kw: Any) -> CoverageDecision:
    """The shipped policy's decision on ``query(cause, day, **kw)``."""
    return evaluate(POLICY, query(cause, day, **kw))


def repair(
    started_on: date, days: int, outcome: RepairOutcome = RepairOutcome.STILL_FAILING
) -> RepairRecord:
    """A repair lasting ``days`` calendar days, both ends included."""
    return RepairRecord(started_on, started_on + timedelta(days=days - 1), outcome)


def shipped_data() -> dict[str, Any]:
    """The shipped document as parsed TOML, to be altered by a test."""
    with (VERSIONS_FOLDER / "2026.1.toml").open("rb") as file:
        return copy.deepcopy(tomllib.load(file, parse_float=Decimal))
