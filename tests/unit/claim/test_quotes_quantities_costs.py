"""Quotes the decision prices, remedies per quantity of a line's units, and a claim's costs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import (
    InvalidInputError,
    OverrideNotPermittedError,
    QuoteOffDecisionError,
    StateGuardError,
)
from domain.item_track import ItemStage
from domain.policy import default_policy_book, evaluate
from domain.quotes import quote_due
from domain.values import Actor, Costs, Customer, Item, Purchase, QuoteLine, RepairWork
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    InspectionResult,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
)

from .factories import AGENT, T0, TECH, at, diagnosed, sealed

SUPERVISOR = Actor("supervisor-1", Role.SUPERVISOR)
WAREHOUSE = Actor("warehouse-1", Role.WAREHOUSE)


def bulbs(quantity: int = 4, price: str = "100.00", kind: ClaimKind = ClaimKind.EXCHANGE) -> Claim:
    """A claim about one line of ``quantity`` bulbs bought 30 days before it was reported."""
    item = Item(
        model="LED-9W", category="lighting", supplier="S1", quantity=quantity, price=Decimal(price)
    )
    return Claim.report(
        claim_number="C-1",
        actor=AGENT,
        occurred_at=T0,
        kind=kind,
        channel=Channel.APP,
        customer=sealed(Customer(name="刘洋", phone="13800138000", region="广东")),
        items=(item,),
        purchase=Purchase(purchased_on=date(2026, 10, 3), payment_method="alipay"),
        requested_remedy=Remedy.EXCHANGE,
        description="用过了，想换",
    )


def used_goods(remedy: Remedy, units: int | None = None, **kw: object) -> Claim:
    """Bulbs diagnosed under the shipped policy: used goods returned for personal reasons."""
    claim = bulbs(**kw)  # type: ignore[arg-type]
    query = claim.policy_query(1, Cause.CUSTOMER_PREFERENCE, goods_used=True)
    ruled = evaluate(default_policy_book().in_force(date(2026, 11, 2)), query)
    assert ruled.rule_id == "preference-used-discount"
    claim.diagnose(TECH, at(1), "used", Cause.CUSTOMER_PREFERENCE, 1, ruled, remedy, units)
    return claim


# -- quotes ----------------------------------------------------------------------


def test_a_paid_exchange_of_used_goods_is_priced_at_the_policys_discount_per_unit() -> None:
    claim = used_goods(Remedy.EXCHANGE, 2)
    due = quote_due(claim.item(1))
    assert due is not None
    assert due.amount == Decimal("160.00")  # 100.00 × 0.8 × 2 units
    assert "100.00 × 0.8 × 2 units" in due.description


def test_a_quote_without_lines_is_the_decided_price() -> None:
    claim = used_goods(Remedy.EXCHANGE, 2)
    claim.quote(TECH, at(2), 1)
    assert claim.item(1).quoted_amount == Decimal("160.00")
    assert claim.item(1).stage is ItemStage.QUOTED


def test_a_hand_typed_quote_off_the_decided_price_is_refused_and_stores_nothing() -> None:
    claim = used_goods(Remedy.EXCHANGE, 2)
    claim.collect_events()
    with pytest.raises(QuoteOffDecisionError) as refused:
        claim.quote(TECH, at(2), 1, (QuoteLine("换货", Decimal("150.00")),))
    assert (refused.value.field, refused.value.expected) == ("lines", "160.00")
    assert "discount" in refused.value.rule
    assert claim.collect_events() == []
    assert claim.item(1).stage is ItemStage.DIAGNOSED


def test_a_quote_at_the_decided_price_typed_by_hand_is_accepted() -> None:
    claim = used_goods(Remedy.EXCHANGE, 2)
    claim.quote(
        TECH, at(2), 1, (QuoteLine("换货", Decimal("100")), QuoteLine("差价", Decimal("60")))
    )
    assert claim.item(1).quoted_amount == Decimal("160")


def test_only_a_supervisor_overrides_a_decided_price_and_the_reason_is_recorded() -> None:
    lines = (QuoteLine("换货（老客户优惠）", Decimal("150.00")),)
    with pytest.raises(OverrideNotPermittedError):
        used_goods(Remedy.EXCHANGE, 2).quote(TECH, at(2), 1, lines, "goodwill")
    with pytest.raises(InvalidInputError, match="nothing to override"):
        used_goods(Remedy.EXCHANGE, 2).quote(SUPERVISOR, at(2), 1, None, "goodwill")
    claim = used_goods(Remedy.EXCHANGE, 2)
    claim.quote(SUPERVISOR, at(2), 1, lines, "goodwill")
    quoted = claim.collect_events()[-1]
    assert type(quoted).__name__ == "Quoted"
    assert (quoted.amount, quoted.override_reason) == (Decimal("150.00"), "goodwill")  # type: ignore[attr-defined]


def test_paid_work_the_policy_does_not_price_needs_lines() -> None:
    claim = diagnosed(free=False)
    assert quote_due(claim.item(1)) is None
    with pytest.raises(InvalidInputError, match="fixes no price"):
        claim.quote(TECH, at(3), 1)
    claim.quote(TECH, at(3), 1, (QuoteLine("parts", Decimal("80")),))
    assert claim.item(1).quoted_amount == Decimal("80")


def test_a_return_of_used_goods_takes_no_quote_step() -> None:
    claim = used_goods(Remedy.RETURN)
    with pytest.raises(StateGuardError, match="nothing to quote"):
        claim.quote(TECH, at(2), 1, (QuoteLine("折旧", Decimal("12.00")),))
    claim.receive_return(WAREHOUSE, at(2), 1, InspectionResult.USED)
    claim.refund(SUPERVISOR, at(3), 1)
    assert claim.item(1).stage is ItemStage.REFUNDED


# -- quantities ------------------------------------------------------------------------


def test_depreciation_of_a_line_is_per_unit_times_the_units_returned() -> None:
    # 30 days used at 0.004 a day: 100.00 × 0.004 × 30 = 12.00 per unit.
    claim = used_goods(Remedy.RETURN)
    assert claim.item(1).decision.deduction == Decimal("12.00")  # type: ignore[union-attr]
    claim.receive_return(WAREHOUSE, at(2), 1, InspectionResult.USED)
    claim.refund(SUPERVISOR, at(3), 1)
    assert claim.item(1).refunded_amount == Decimal("352.00")  # 4 × (100.00 − 12.00)


def test_a_return_of_some_units_refunds_and_deducts_those_units_only() -> None:
    claim = used_goods(Remedy.RETURN, 3)
    claim.receive_return(WAREHOUSE, at(2), 1, InspectionResult.USED)
    claim.refund(SUPERVISOR, at(3), 1)
    assert claim.item(1).refunded_amount == Decimal("264.00")  # 3 × (100.00 − 12.00)
    refunded = claim.collect_events()[-1]
    assert refunded.deductions[0].amount == Decimal("36.00")  # type: ignore[attr-defined]


def test_two_of_four_units_are_exchanged_with_one_serial_each() -> None:
    claim = used_goods(Remedy.EXCHANGE, 2)
    claim.quote(TECH, at(2), 1)
    claim.accept_quote(AGENT, at(3), 1)
    claim.ship_replacement(
        WAREHOUSE, at(4), 1, serial_nos=("R-1", "R-2"), shipping_cost=Decimal("12")
    )
    state = claim.item(1)
    assert state.stage is ItemStage.REPLACED
    assert state.replacement_serial_nos == ["R-1", "R-2"]
    units = [(u.unit, u.remedy, u.stage, u.replacement_serial_no) for u in state.units]
    assert units == [
        (1, Remedy.EXCHANGE, ItemStage.REPLACED, "R-1"),
        (2, Remedy.EXCHANGE, ItemStage.REPLACED, "R-2"),
        (3, None, ItemStage.NO_REMEDY, ""),
        (4, None, ItemStage.NO_REMEDY, ""),
    ]
    shipped = claim.collect_events()[-1]
    assert shipped.serial_nos == ("R-1", "R-2")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("serials", "field"),
    [
        (("R-1",), "serial_nos"),
        (("R-1", "R-2", "R-3"), "serial_nos"),
        (("R-1", "R-1"), "serial_nos"),
    ],
)
def test_an_exchange_needs_one_distinct_serial_per_unit(
    serials: tuple[str, ...], field: str
) -> None:
    claim = used_goods(Remedy.EXCHANGE, 2)
    claim.quote(TECH, at(2), 1)
    claim.accept_quote(AGENT, at(3), 1)
    with pytest.raises(InvalidInputError) as refused:
        claim.ship_replacement(WAREHOUSE, at(4), 1, serial_nos=serials)
    assert refused.value.field == field
    assert claim.item(1).stage is ItemStage.QUOTE_ACCEPTED


@pytest.mark.parametrize("units", [0, 5])
def test_a_remedy_covers_from_one_to_all_of_the_lines_units(units: int) -> None:
    with pytest.raises(InvalidInputError) as refused:
        used_goods(Remedy.EXCHANGE, units)
    assert refused.value.field == "quantity"


def test_a_quantity_needs_a_remedy() -> None:
    claim = bulbs()
    ruled = evaluate(
        default_policy_book().in_force(date(2026, 11, 2)),
        claim.policy_query(1, Cause.NO_FAULT_FOUND),
    )
    with pytest.raises(InvalidInputError, match="only a remedy"):
        claim.diagnose(TECH, at(1), "ok", Cause.NO_FAULT_FOUND, 1, ruled, None, 2)


# -- costs -------------------------------------------------------------------------------


def test_the_claim_totals_parts_labour_shipping_and_refunds() -> None:
    claim = diagnosed()
    claim.start_repair(TECH, at(3), 1, RepairMode.MAIL_IN)
    work = RepairWork(
        ("灯座",), Decimal("1.5"), parts_cost=Decimal("30"), labour_cost=Decimal("45")
    )
    assert work.cost == Decimal("75")
    claim.record_repair(TECH, at(4), 1, RepairOutcome.FIXED, work)
    assert claim.costs == Costs(parts=Decimal("30"), labour=Decimal("45"))
    returned = used_goods(Remedy.RETURN)
    returned.receive_return(WAREHOUSE, at(2), 1, InspectionResult.USED, "", Decimal("15"))
    returned.refund(SUPERVISOR, at(3), 1)
    assert returned.costs == Costs(shipping=Decimal("15"), refunds=Decimal("352.00"))
    assert returned.costs.total == Decimal("367.00")


def test_a_repair_cost_not_broken_down_counts_as_labour() -> None:
    assert RepairWork(cost=Decimal("50"), parts_cost=Decimal("20")).labour_total == Decimal("30")
    with pytest.raises(InvalidInputError, match="exceed"):
        RepairWork(cost=Decimal("10"), parts_cost=Decimal("20"))


# -- events recorded before quantities, quotes and costs ---------------------------------------


def stored_then_read_without(ledger: ClaimsLedger, event: object, *fields: str) -> object:
    """The event through the ledger's transcoder, its JSON stripped of ``fields``, as an
    event recorded before they existed would be read."""
    stored = ledger.mapper.to_stored_event(event)  # type: ignore[arg-type]
    state = json.loads(stored.state)
    for name in fields:
        state.pop(name)
    older = StoredEvent(
        stored.originator_id, stored.originator_version, stored.topic, json.dumps(state).encode()
    )
    return ledger.mapper.to_domain_event(older)


def test_events_recorded_before_quantities_still_read_and_replay() -> None:
    ledger = ClaimsLedger()
    claim = used_goods(Remedy.EXCHANGE, quantity=1)
    claim.quote(TECH, at(2), 1)
    claim.accept_quote(AGENT, at(3), 1)
    claim.ship_replacement(WAREHOUSE, at(4), 1, "R-1")
    events = claim.collect_events()
    strip = {
        "Diagnosed": ("quantity",),
        "Quoted": ("override_reason",),
        "ReplacementShipped": ("serial_nos", "shipping_cost"),
    }
    older = [stored_then_read_without(ledger, e, *strip.get(type(e).__name__, ())) for e in events]
    replayed = None
    for event in older:
        replayed = event.mutate(replayed)  # type: ignore[attr-defined]
    assert replayed is not None
    state = replayed.item(1)
    assert (state.stage, state.remedy_quantity, state.units_covered) == (
        ItemStage.REPLACED,
        None,
        1,
    )
    assert state.replacement_serial_nos == ["R-1"]
    assert [u.replacement_serial_no for u in state.units] == ["R-1"]


def test_a_repair_recorded_before_the_cost_breakdown_reads_as_labour() -> None:
    ledger = ClaimsLedger()
    claim = diagnosed()
    claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    claim.record_repair(TECH, at(4), 1, RepairOutcome.FIXED, RepairWork(cost=Decimal("60")))
    events = claim.collect_events()
    stored = ledger.mapper.to_stored_event(events[-1])
    state = json.loads(stored.state)
    work = state["work"]["_data_"] if "_data_" in state["work"] else state["work"]
    for name in ("parts_cost", "labour_cost"):
        work.pop(name, None)
    older = ledger.mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))
    replayed = None
    for event in [*events[:-1], older]:
        replayed = event.mutate(replayed)  # type: ignore[attr-defined]
    assert replayed is not None
    assert replayed.costs == Costs(labour=Decimal("60"))


# -- properties ------------------------------------------------------------------------


@st.composite
def bulb_lines(draw: st.DrawFn) -> tuple[Decimal, int, int, int]:
    """A unit price, a line's quantity, the units covered and the days since purchase."""
    price = draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2))
    quantity = draw(st.integers(min_value=1, max_value=20))
    units = draw(st.integers(min_value=1, max_value=quantity))
    return price, quantity, units, draw(st.integers(min_value=0, max_value=400))


def used_line(price: Decimal, quantity: int, days: int) -> Claim:
    item = Item(model="LED-9W", category="lighting", quantity=quantity, price=price)
    return Claim.report(
        claim_number="C-1",
        actor=AGENT,
        occurred_at=T0,
        kind=ClaimKind.EXCHANGE,
        channel=Channel.APP,
        customer=sealed(Customer(name="刘洋", phone="13800138000", region="广东")),
        items=(item,),
        purchase=Purchase(purchased_on=T0.date() - timedelta(days=days), payment_method="alipay"),
        requested_remedy=Remedy.EXCHANGE,
        description="用过了",
    )


@settings(max_examples=150, deadline=None)
@given(bulb_lines(), st.none() | st.decimals(min_value=0, max_value=Decimal("999999"), places=2))
def test_a_paid_exchange_is_quoted_at_the_discounted_unit_price_times_the_units(
    line: tuple[Decimal, int, int, int], typed: Decimal | None
) -> None:
    price, quantity, units, days = line
    claim = used_line(price, quantity, days)
    query = claim.policy_query(1, Cause.CUSTOMER_PREFERENCE, goods_used=True)
    ruled = evaluate(default_policy_book().in_force(T0.date()), query)
    claim.diagnose(TECH, at(1), "used", Cause.CUSTOMER_PREFERENCE, 1, ruled, Remedy.EXCHANGE, units)
    decided = (price * Decimal("0.8")).quantize(Decimal("0.01"), ROUND_HALF_UP) * units
    lines = None if typed is None else (QuoteLine("换货", typed),)
    try:
        claim.quote(TECH, at(2), 1, lines)
    except QuoteOffDecisionError as refused:
        assert typed is not None and typed != decided
        assert refused.expected == str(decided)
        assert claim.item(1).stage is ItemStage.DIAGNOSED
        return
    assert claim.item(1).quoted_amount == decided <= price * units
