"""Transport damage, service complaints and no-fault-found reports."""

from __future__ import annotations

from domain.vocabulary import Cause, Payer, Remedy, Team

from .builders import decide


def test_transport_damage_is_the_sellers_at_any_time() -> None:
    decision = decide(Cause.TRANSPORT_DAMAGE, day=60)
    assert decision.rule_id == "transport-damage-seller-liable"
    assert decision.remedies == (Remedy.RETURN, Remedy.EXCHANGE, Remedy.REPAIR)
    assert decision.free
    assert (decision.responsible, decision.shipping_payer) == (Payer.SELLER, Payer.SELLER)


def test_transport_damage_is_routed_to_warehouse_and_logistics() -> None:
    assert decide(Cause.TRANSPORT_DAMAGE, day=1).route_to is Team.WAREHOUSE_LOGISTICS


def test_no_fault_found_grants_nothing_and_costs_nothing() -> None:
    decision = decide(Cause.NO_FAULT_FOUND, day=20)
    assert decision.rule_id == "no-fault-found"
    assert decision.remedies == ()
    assert decision.free


def test_no_fault_found_leaves_the_customer_paying_for_mailing_it_in() -> None:
    assert decide(Cause.NO_FAULT_FOUND, day=20).shipping_payer is Payer.CUSTOMER


def test_service_failure_is_a_complaint_without_item_remedy() -> None:
    decision = decide(Cause.SERVICE_FAILURE, day=40)
    assert decision.rule_id == "service-failure-complaint"
    assert decision.remedies == ()
    assert decision.responsible is Payer.SELLER
