"""No-reason returns (七天无理由退货) and used goods (paid exchange or depreciation)."""

from __future__ import annotations

from decimal import Decimal

from domain.vocabulary import Cause, Payer, Remedy

from .builders import decide

PREFERENCE = Cause.CUSTOMER_PREFERENCE


def test_unused_goods_may_be_returned_without_reason_within_7_days() -> None:
    decision = decide(PREFERENCE, day=7)
    assert decision.rule_id == "preference-return-7d"
    assert decision.remedies == (Remedy.RETURN,)
    assert decision.free
    assert decision.deduction == Decimal("0")


def test_customer_pays_shipping_for_a_no_reason_return() -> None:
    decision = decide(PREFERENCE, day=2)
    assert decision.shipping_payer is Payer.CUSTOMER


def test_unused_goods_after_7_days_are_not_covered() -> None:
    decision = decide(PREFERENCE, day=8)
    assert decision.rule_id == "preference-late-not-covered"
    assert decision.remedies == ()


def test_used_goods_get_only_a_paid_exchange_or_a_return_less_depreciation() -> None:
    decision = decide(PREFERENCE, day=5, goods_used=True)
    assert decision.rule_id == "preference-used-discount"
    assert set(decision.remedies) == {Remedy.EXCHANGE, Remedy.RETURN}
    assert not decision.free
    assert decision.shipping_payer is Payer.CUSTOMER


def test_paid_exchange_of_used_goods_is_at_the_negotiated_80_percent() -> None:
    decision = decide(PREFERENCE, day=5, goods_used=True, price=Decimal("320.00"))
    assert decision.discount_rate == Decimal("0.8")
    assert "256.00" in decision.explanation


def test_return_of_used_goods_deducts_price_times_rate_times_days_used() -> None:
    decision = decide(PREFERENCE, day=5, goods_used=True, price=Decimal("320.00"))
    assert decision.deduction == Decimal("6.40")
    assert decision.deduction_basis == "320.00 × 0.004 × 5 days"


def test_used_goods_beyond_7_days_still_get_the_discount_offer() -> None:
    assert decide(PREFERENCE, day=30, goods_used=True).rule_id == "preference-used-discount"


def test_depreciation_rate_depends_on_the_category() -> None:
    decision = decide(PREFERENCE, day=10, goods_used=True, category="large_appliance")
    assert decision.deduction_basis == "199.00 × 0.002 × 10 days"
