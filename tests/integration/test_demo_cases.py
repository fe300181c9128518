"""The demo's lamp-factory cases come out with the decisions the manual describes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from api.cli.demo import load_demo
from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ, ClaimStatus
from domain.item_track import ItemStage
from domain.vocabulary import Payer, Remedy, Team

pytestmark = pytest.mark.postgres


@pytest.fixture
def demo(ledger: ClaimsLedger) -> ClaimsLedger:
    load_demo(ledger, datetime.now().astimezone())
    return ledger


def item_of(ledger: ClaimsLedger, number: str):  # type: ignore[no-untyped-def]
    return ledger.get_claim_by_number(number).item(1)


def test_ceiling_light_wiring_fault_gets_a_free_replacement(demo: ClaimsLedger) -> None:
    item = item_of(demo, "LF-2026-0001")
    assert item.decision.free and item.remedy is Remedy.EXCHANGE
    assert item.decision.shipping_payer is Payer.SELLER
    assert item.stage is ItemStage.REPLACED and item.replacement_serial_no == "XD450-0002417"


def test_modified_lamp_gets_a_quoted_paid_repair(demo: ClaimsLedger) -> None:
    item = item_of(demo, "LF-2026-0002")
    assert not item.decision.free and item.decision.responsible is Payer.CUSTOMER
    assert item.quoted_amount == Decimal("125.00")
    assert item.stage is ItemStage.REPAIRED
    history = [h.event_type for h in demo.history(demo.get_claim_by_number("LF-2026-0002").id)]
    assert history.index("QuoteAccepted") < history.index("RepairStarted")


def test_colour_difference_within_7_days_is_refunded_in_full(demo: ClaimsLedger) -> None:
    item = item_of(demo, "LF-2026-0003")
    assert item.decision.rule_id == "mismatch-return-7d"
    assert item.refunded_amount == item.item.price
    assert demo.get_claim_by_number("LF-2026-0003").status is ClaimStatus.CLOSED


def test_used_lamp_returned_for_personal_reasons_is_exchanged_at_80_percent(
    demo: ClaimsLedger,
) -> None:
    item = item_of(demo, "LF-2026-0004")
    assert item.decision.discount_rate == Decimal("0.8")
    assert item.quoted_amount == item.item.price * Decimal("0.8")
    assert item.stage is ItemStage.REPLACED


def test_transport_damage_is_borne_by_the_seller_and_routed_to_logistics(
    demo: ClaimsLedger,
) -> None:
    item = item_of(demo, "LF-2026-0005")
    assert item.decision.responsible is Payer.SELLER and item.decision.free
    assert item.decision.route_to is Team.WAREHOUSE_LOGISTICS


def test_complaint_about_attitude_is_resolved_surveyed_and_closed(demo: ClaimsLedger) -> None:
    claim = demo.get_claim_by_number("LF-2026-0006")
    assert claim.status is ClaimStatus.CLOSED and claim.satisfaction == 5


def test_led_bulb_failing_twice_is_exchanged_free(demo: ClaimsLedger) -> None:
    item = item_of(demo, "LF-2026-0007")
    assert item.decision.rule_id == "quality-repeat-failure"
    assert len(item.repairs) == 2 and item.stage is ItemStage.REPLACED


def test_two_of_a_packs_four_bulbs_are_exchanged_one_serial_each(demo: ClaimsLedger) -> None:
    item = item_of(demo, "LF-2026-0011")
    assert item.decision.rule_id == "quality-exchange-15d" and item.decision.free
    assert (item.item.quantity, item.units_covered, item.stage) == (4, 2, ItemStage.REPLACED)
    serials = [u.replacement_serial_no for u in item.units]
    assert serials == ["LED9-1201", "LED9-1202", "", ""]
    assert demo.get_claim_by_number("LF-2026-0011").costs.shipping == Decimal("12.00")


def test_the_refund_and_the_quote_follow_their_decisions(demo: ClaimsLedger) -> None:
    assert item_of(demo, "LF-2026-0003").refunded_amount == Decimal("189.00")
    assert item_of(demo, "LF-2026-0004").quoted_amount == Decimal("256.00")
    costs = demo.get_claim_by_number("LF-2026-0002").costs
    assert (costs.parts, costs.labour) == (Decimal("85.00"), Decimal("40.00"))


def test_loading_the_demo_twice_adds_nothing(demo: ClaimsLedger) -> None:
    head = demo.recorder.max_notification_id()
    loaded, commands = load_demo(demo, datetime.now().astimezone())
    assert (loaded, commands) == ([], 0)
    assert demo.recorder.max_notification_id() == head


def test_the_desk_lamps_second_claim_is_covered_by_the_first_claims_days_in_repair(
    demo: ClaimsLedger,
) -> None:
    first, second = item_of(demo, "LF-2026-0009"), item_of(demo, "LF-2026-0010")
    [repair] = first.repairs
    assert repair.days_in_repair == 4
    claim = demo.get_claim_by_number("LF-2026-0010")
    reported_on = claim.reported_at.astimezone(BUSINESS_TZ).date()
    assert (reported_on - claim.purchase.purchased_on).days == 367  # past the 12 months
    assert second.decision.free and second.decision.rule_id == "quality-repair-warranty"
    assert second.decision.warranty_ends_on >= reported_on
    assert "LF-2026-0009" in second.decision.explanation
