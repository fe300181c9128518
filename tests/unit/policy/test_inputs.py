"""Inputs the policy refuses, unknown categories and the remedy check."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.errors import InvalidInputError, RemedyNotAllowedError, UnknownCategoryError
from domain.policy import check_remedy, evaluate, parse_document
from domain.values import RepairRecord
from domain.vocabulary import Remedy, RepairOutcome

from .builders import BOUGHT, decide, query, shipped_data


def test_unknown_category_is_refused() -> None:
    with pytest.raises(UnknownCategoryError, match="toys"):
        decide(category="toys")


def test_a_default_category_answers_for_unlisted_categories() -> None:
    data = shipped_data()
    data["categories"]["default"] = {"warranty_months": 6}
    policy = parse_document(data, "test.toml")
    decision = evaluate(policy, query(day=100, category="toys"))
    assert decision.warranty_ends_on == date(2026, 9, 1)


def test_report_before_receipt_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        decide(day=-1)
    assert refused.value.field == "reported_on"


def test_delivery_before_purchase_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        decide(day=3, delivered_on=BOUGHT - timedelta(days=1))
    assert refused.value.field == "delivered_on"


def test_repair_finishing_before_it_started_is_refused() -> None:
    backwards = RepairRecord(BOUGHT + timedelta(days=9), BOUGHT, RepairOutcome.FIXED)
    with pytest.raises(InvalidInputError):
        decide(day=20, repairs=(backwards,))


def test_negative_price_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        decide(day=2, price=Decimal("-1"))


def test_remedy_outside_the_decision_is_refused() -> None:
    decision = decide(day=8)
    with pytest.raises(RemedyNotAllowedError) as refused:
        check_remedy(decision, Remedy.RETURN)
    assert refused.value.rule_id == "quality-exchange-15d"
    assert refused.value.allowed == ["exchange", "repair"]


def test_remedy_within_the_decision_passes_the_check() -> None:
    decision = decide(day=8)
    check_remedy(decision, Remedy.EXCHANGE)  # raises if refused
    assert Remedy.EXCHANGE in decision.remedies
