"""Quality defects (performance faults): 包退 7 days, 包换 15 days, 包修 in the warranty."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain.vocabulary import Payer, Remedy, RepairOutcome

from .builders import BOUGHT, decide, repair


def test_quality_defect_on_day_7_may_be_returned() -> None:
    decision = decide(day=7)
    assert decision.rule_id == "quality-return-7d"
    assert decision.remedies == (Remedy.RETURN, Remedy.EXCHANGE, Remedy.REPAIR)
    assert decision.free


def test_quality_return_within_7_days_is_refunded_at_full_price() -> None:
    decision = decide(day=3, goods_used=True)
    assert decision.deduction == Decimal("0")
    assert decision.deduction_basis == ""


def test_day_8_only_exchange_or_repair() -> None:
    decision = decide(day=8)
    assert decision.rule_id == "quality-exchange-15d"
    assert decision.remedies == (Remedy.EXCHANGE, Remedy.REPAIR)
    assert decision.free


def test_day_15_may_still_be_exchanged() -> None:
    assert Remedy.EXCHANGE in decide(day=15).remedies


def test_day_16_within_warranty_only_free_repair() -> None:
    decision = decide(day=16)
    assert decision.rule_id == "quality-repair-warranty"
    assert decision.remedies == (Remedy.REPAIR,)
    assert decision.free


def test_quality_defect_after_the_warranty_is_paid_repair() -> None:
    decision = decide(day=400)
    assert decision.rule_id == "quality-warranty-expired"
    assert decision.remedies == (Remedy.REPAIR,)
    assert not decision.free
    assert decision.responsible is Payer.CUSTOMER
    assert decision.shipping_payer is Payer.CUSTOMER


def test_seller_is_responsible_and_pays_shipping_both_ways_for_quality_problems() -> None:
    for day in (2, 10, 100):
        decision = decide(day=day)
        assert (decision.responsible, decision.shipping_payer) == (Payer.SELLER, Payer.SELLER)


def test_refund_goes_to_the_original_payment_route_within_7_days() -> None:
    decision = decide(day=2)
    assert decision.refund_within_days == 7
    assert "original payment route within 7 days" in decision.explanation


def test_return_window_counts_from_delivery_not_purchase() -> None:
    decision = decide(day=7, delivered_on=BOUGHT + timedelta(days=5))
    assert decision.rule_id == "quality-return-7d"


def test_warranty_ends_12_months_after_purchase_for_lighting() -> None:
    assert decide(day=20).warranty_ends_on == date(2027, 3, 1)


def test_large_appliance_warranty_lasts_24_months() -> None:
    decision = decide(day=500, category="large_appliance")
    assert decision.rule_id == "quality-repair-warranty"
    assert decision.warranty_ends_on == date(2028, 3, 1)


def test_apparel_has_only_a_short_repair_warranty() -> None:
    assert decide(day=80, category="apparel").rule_id == "quality-repair-warranty"
    assert decide(day=100, category="apparel").rule_id == "quality-warranty-expired"


def test_two_failed_repairs_within_warranty_allow_free_exchange_or_return() -> None:
    repairs = (repair(date(2026, 4, 1), 5), repair(date(2026, 5, 1), 5))
    decision = decide(day=90, repairs=repairs)
    assert decision.rule_id == "quality-repeat-failure"
    assert set(decision.remedies) == {Remedy.EXCHANGE, Remedy.RETURN}
    assert decision.free
    assert decision.shipping_payer is Payer.SELLER


def test_one_failed_repair_still_gives_only_repair() -> None:
    decision = decide(day=90, repairs=(repair(date(2026, 4, 1), 5),))
    assert decision.remedies == (Remedy.REPAIR,)


def test_repairs_that_fixed_the_fault_do_not_count_towards_an_exchange() -> None:
    repairs = (
        repair(date(2026, 4, 1), 5, RepairOutcome.FIXED),
        repair(date(2026, 5, 1), 5, RepairOutcome.FIXED),
    )
    assert decide(day=90, repairs=repairs).rule_id == "quality-repair-warranty"


def test_return_after_failed_repairs_is_refunded_less_depreciation() -> None:
    repairs = (repair(date(2026, 3, 12), 5), repair(date(2026, 3, 22), 5))
    decision = decide(day=50, repairs=repairs)
    # 50 days since receipt, 10 of them in repair: 199.00 × 0.004 × 40 = 31.84
    assert decision.deduction == Decimal("31.84")
    assert decision.deduction_basis == "199.00 × 0.004 × 40 days"


def test_failed_repairs_after_the_warranty_do_not_reopen_it_for_exchange() -> None:
    late = BOUGHT + timedelta(days=370)
    repairs = (repair(late, 1), repair(late + timedelta(days=3), 1))
    assert decide(day=400, repairs=repairs).rule_id == "quality-warranty-expired"
