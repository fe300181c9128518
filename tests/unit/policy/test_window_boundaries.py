"""Property tests at the 7- and 15-day boundaries, counted from receipt (day 0)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given

from domain.vocabulary import Cause, Remedy

from .builders import POLICY, decide
from .strategies import categories, delivery_delays, purchase_dates


def delivered(bought: date, delay: int | None) -> date | None:
    return None if delay is None else bought + timedelta(days=delay)


@given(categories, purchase_dates, delivery_delays)
def test_quality_defect_may_be_returned_on_the_last_return_day(
    category: str, bought: date, delay: int | None
) -> None:
    day = POLICY.terms_for(category).return_days
    decision = decide(
        day=day, category=category, purchased_on=bought, delivered_on=delivered(bought, delay)
    )
    assert Remedy.RETURN in decision.remedies


@given(categories, purchase_dates, delivery_delays)
def test_quality_defect_may_not_be_returned_the_day_after(
    category: str, bought: date, delay: int | None
) -> None:
    day = POLICY.terms_for(category).return_days + 1
    decision = decide(
        day=day, category=category, purchased_on=bought, delivered_on=delivered(bought, delay)
    )
    assert decision.remedies == (Remedy.EXCHANGE, Remedy.REPAIR)


@given(categories, purchase_dates, delivery_delays)
def test_quality_defect_may_be_exchanged_on_the_last_exchange_day(
    category: str, bought: date, delay: int | None
) -> None:
    day = POLICY.terms_for(category).exchange_days
    decision = decide(
        day=day, category=category, purchased_on=bought, delivered_on=delivered(bought, delay)
    )
    assert decision.remedies == (Remedy.EXCHANGE, Remedy.REPAIR)


@given(categories, purchase_dates, delivery_delays)
def test_quality_defect_is_only_repaired_the_day_after_the_exchange_window(
    category: str, bought: date, delay: int | None
) -> None:
    day = POLICY.terms_for(category).exchange_days + 1
    decision = decide(
        day=day, category=category, purchased_on=bought, delivered_on=delivered(bought, delay)
    )
    assert decision.remedies == (Remedy.REPAIR,)


@given(categories, purchase_dates)
def test_mismatch_return_ends_with_the_return_window(category: str, bought: date) -> None:
    day = POLICY.terms_for(category).return_days
    last = decide(Cause.DESCRIPTION_MISMATCH, day=day, category=category, purchased_on=bought)
    after = decide(Cause.DESCRIPTION_MISMATCH, day=day + 1, category=category, purchased_on=bought)
    assert Remedy.RETURN in last.remedies
    assert after.remedies == (Remedy.EXCHANGE,)


@given(categories, purchase_dates)
def test_mismatch_exchange_ends_with_the_exchange_window(category: str, bought: date) -> None:
    day = POLICY.terms_for(category).exchange_days
    last = decide(Cause.DESCRIPTION_MISMATCH, day=day, category=category, purchased_on=bought)
    after = decide(Cause.DESCRIPTION_MISMATCH, day=day + 1, category=category, purchased_on=bought)
    assert last.remedies == (Remedy.EXCHANGE,)
    assert after.remedies == ()


@given(categories, purchase_dates)
def test_no_reason_return_ends_with_the_return_window(category: str, bought: date) -> None:
    day = POLICY.terms_for(category).return_days
    last = decide(Cause.CUSTOMER_PREFERENCE, day=day, category=category, purchased_on=bought)
    after = decide(Cause.CUSTOMER_PREFERENCE, day=day + 1, category=category, purchased_on=bought)
    assert last.remedies == (Remedy.RETURN,)
    assert after.remedies == ()
