"""Goods not as described (e.g. colour difference): return in 7 days, exchange in 15."""

from __future__ import annotations

from decimal import Decimal

from domain.vocabulary import Cause, Payer, Remedy

from .builders import decide

MISMATCH = Cause.DESCRIPTION_MISMATCH


def test_colour_difference_within_7_days_may_be_returned_at_full_price_or_exchanged() -> None:
    decision = decide(MISMATCH, day=3)
    assert decision.rule_id == "mismatch-return-7d"
    assert decision.remedies == (Remedy.RETURN, Remedy.EXCHANGE)
    assert decision.free
    assert decision.deduction == Decimal("0")


def test_seller_pays_shipping_for_a_description_mismatch() -> None:
    decision = decide(MISMATCH, day=3)
    assert (decision.responsible, decision.shipping_payer) == (Payer.SELLER, Payer.SELLER)


def test_mismatch_on_day_8_may_only_be_exchanged() -> None:
    decision = decide(MISMATCH, day=8)
    assert decision.rule_id == "mismatch-exchange-15d"
    assert decision.remedies == (Remedy.EXCHANGE,)
    assert decision.free


def test_mismatch_after_15_days_is_not_covered() -> None:
    decision = decide(MISMATCH, day=16)
    assert decision.rule_id == "mismatch-late-not-covered"
    assert decision.remedies == ()
    assert decision.responsible is Payer.CUSTOMER
