"""The refund rule: price paid × quantity − the decision's deductions, back the way it was paid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.claim import Claim
from domain.errors import (
    InvalidInputError,
    OverrideNotPermittedError,
    RefundOffDecisionError,
    SanbaoError,
)
from domain.item_track import ItemStage
from domain.policy import default_policy_book, evaluate
from domain.policy.money import depreciation
from domain.values import Actor, Customer, Deduction, Item, Purchase
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    InspectionResult,
    Remedy,
    Role,
    refund_route_of,
)

from .factories import AGENT, T0, TECH, at, decision, sealed

SPECIALIST = Actor("specialist-1", Role.SPECIALIST)
SUPERVISOR = Actor("supervisor-1", Role.SUPERVISOR)


def returned(
    price: Decimal = Decimal("200.00"),
    quantity: int = 1,
    deduction: Decimal = Decimal("4.00"),
    payment_method: str = "wechat_pay",
    purchased_on: date = date(2026, 10, 28),
    diagnose: bool = True,
    units: int | None = None,
) -> Claim:
    """A claim whose item came back under a return decision deducting ``deduction`` per
    unit, for ``units`` of the line's units (all by default; only reported, without
    ``diagnose``)."""
    item = Item(model="XD-450", category="lighting", quantity=quantity, price=price)
    claim = Claim.report(
        claim_number="C-1",
        actor=AGENT,
        occurred_at=T0,
        kind=ClaimKind.RETURN,
        channel=Channel.APP,
        customer=sealed(Customer(name="刘洋", phone="13800138000", region="广东")),
        items=(item,),
        purchase=Purchase(purchased_on=purchased_on, payment_method=payment_method),
        requested_remedy=Remedy.RETURN,
        description="不喜欢",
    )
    if not diagnose:
        return claim
    ruled = replace(decision(Remedy.RETURN), deduction=deduction, deduction_basis="折旧")
    claim.diagnose(TECH, at(1), "used", Cause.CUSTOMER_PREFERENCE, 1, ruled, Remedy.RETURN, units)
    claim.receive_return(TECH, at(2), 1, InspectionResult.USED)
    return claim


def test_a_refund_left_out_is_the_price_less_the_decisions_deduction_to_the_paid_route() -> None:
    claim = returned()
    claim.refund(SPECIALIST, at(3), 1)
    assert claim.item(1).refunded_amount == Decimal("196.00")
    assert claim.item(1).stage is ItemStage.REFUNDED


def test_a_full_refund_where_the_decision_deducts_is_refused_and_stores_nothing() -> None:
    claim = returned()
    with pytest.raises(RefundOffDecisionError) as refused:
        claim.refund(SPECIALIST, at(3), 1, Decimal("200.00"), None, "wechat_pay")
    assert (refused.value.field, refused.value.expected) == ("amount", "196.00")
    assert claim.item(1).stage is ItemStage.RETURN_RECEIVED
    assert "Refunded" not in [type(e).__name__ for e in claim.collect_events()]


def test_a_cash_refund_of_a_wechat_pay_purchase_is_refused() -> None:
    with pytest.raises(RefundOffDecisionError) as refused:
        returned().refund(SPECIALIST, at(3), 1, route="cash")
    assert (refused.value.field, refused.value.expected) == ("route", "wechat_pay")


def test_a_route_spelled_another_way_is_the_same_route() -> None:
    claim = returned(payment_method="微信支付")
    claim.refund(SPECIALIST, at(3), 1, route="WeChat")
    assert claim.item(1).stage is ItemStage.REFUNDED


def test_deductions_other_than_the_decisions_are_refused() -> None:
    with pytest.raises(RefundOffDecisionError) as refused:
        returned().refund(SPECIALIST, at(3), 1, Decimal("196.00"), (), "wechat_pay")
    assert refused.value.field == "deductions"


def test_only_a_supervisor_overrides_and_only_what_differs() -> None:
    with pytest.raises(OverrideNotPermittedError):
        returned().refund(SPECIALIST, at(3), 1, Decimal("200.00"), (), override_reason="goodwill")
    with pytest.raises(InvalidInputError, match="nothing to override"):
        returned().refund(SUPERVISOR, at(3), 1, override_reason="goodwill")
    with pytest.raises(InvalidInputError, match="blank"):
        returned().refund(SUPERVISOR, at(3), 1, Decimal("200.00"), (), override_reason=" ")


def test_a_supervisors_override_records_its_reason_on_the_event() -> None:
    claim = returned()
    claim.refund(SUPERVISOR, at(3), 1, Decimal("200.00"), (), "cash", "goodwill")
    refunded = claim.collect_events()[-1]
    assert type(refunded).__name__ == "Refunded"
    assert (refunded.route, refunded.override_reason) == ("cash", "goodwill")  # type: ignore[attr-defined]


def test_a_purchase_without_payment_method_needs_a_named_route() -> None:
    with pytest.raises(InvalidInputError, match="route"):
        returned(payment_method="").refund(SPECIALIST, at(3), 1)
    claim = returned(payment_method="")
    claim.refund(SPECIALIST, at(3), 1, route="alipay")
    assert claim.item(1).stage is ItemStage.REFUNDED


def test_payment_methods_map_to_their_refund_routes() -> None:
    assert refund_route_of("支付宝") == "alipay"
    assert refund_route_of("WX") == "wechat_pay"
    assert refund_route_of("银联") == "bank_card"
    assert refund_route_of("Store Credit") == "store_credit"


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
quantities = st.integers(min_value=1, max_value=20)
days_used = st.integers(min_value=0, max_value=400)
rates = st.sampled_from([Decimal("0.001"), Decimal("0.004"), Decimal("0.01")])
amounts = st.none() | prices
routes = st.sampled_from(["", "alipay", "wechat_pay", "cash", "bank_card"])


@st.composite
def lines_and_units(draw: st.DrawFn) -> tuple[int, int]:
    """A line's quantity and how many of its units the remedy covers."""
    quantity = draw(quantities)
    return quantity, draw(st.integers(min_value=1, max_value=quantity))


@settings(max_examples=150, deadline=None)
@given(prices, lines_and_units(), days_used, rates, amounts, routes, st.booleans())
def test_an_accepted_refund_never_exceeds_what_the_decision_allows(
    price: Decimal,
    line: tuple[int, int],
    days: int,
    rate: Decimal,
    amount: Decimal | None,
    route: str,
    keep_deductions: bool,
) -> None:
    quantity, units = line
    purchased = date(2026, 11, 2) - timedelta(days=days)
    per_unit, _ = depreciation(price, rate, days)
    claim = returned(price, quantity, per_unit, "alipay", purchased, units=units)
    deductions = None if keep_deductions else (Deduction("折旧", per_unit * units),)
    try:
        claim.refund(SPECIALIST, at(3), 1, amount, deductions, route)
    except SanbaoError:
        assert claim.item(1).stage is ItemStage.RETURN_RECEIVED
        return
    allowed = (price - per_unit) * units
    assert claim.item(1).refunded_amount <= allowed
    assert claim.costs.refunds == claim.item(1).refunded_amount
    if amount is None:
        assert claim.item(1).refunded_amount == allowed


@settings(max_examples=100, deadline=None)
@given(prices, lines_and_units(), days_used, amounts)
def test_under_the_shipped_policy_a_refund_never_exceeds_the_price_less_its_depreciation(
    price: Decimal, line: tuple[int, int], days: int, amount: Decimal | None
) -> None:
    quantity, units = line
    purchased = date(2026, 11, 2) - timedelta(days=days)
    claim = returned(price, quantity, Decimal("0"), "alipay", purchased, diagnose=False)
    query = claim.policy_query(1, Cause.CUSTOMER_PREFERENCE, goods_used=True)
    ruled = evaluate(default_policy_book().in_force(date(2026, 11, 2)), query)
    claim.diagnose(TECH, at(1), "used", Cause.CUSTOMER_PREFERENCE, 1, ruled, Remedy.RETURN, units)
    # A return of used goods is not quoted: the goods come back at once.
    claim.receive_return(TECH, at(4), 1, InspectionResult.USED)
    allowed = (price - ruled.deduction) * units
    try:
        claim.refund(SPECIALIST, at(5), 1, amount)
    except SanbaoError:
        assert claim.item(1).stage is ItemStage.RETURN_RECEIVED
        return
    assert Decimal("0") < claim.item(1).refunded_amount <= allowed
    if amount is None:
        assert claim.item(1).refunded_amount == allowed


def test_a_refunded_event_recorded_before_the_rule_still_replays() -> None:
    claim = returned()
    claim.refund(SPECIALIST, at(3), 1)
    stored = claim.collect_events()[-1]
    del stored.__dict__["override_reason"]
    replayed = returned()
    replayed.collect_events()
    stored.mutate(replayed)
    assert replayed.item(1).stage is ItemStage.REFUNDED
    assert replayed.item(1).refunded_amount == Decimal("196.00")
