"""The sane windows of dates and times (domain.time_window), as properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInputError, OutOfWindowError
from domain.time_window import (
    EARLIEST_DAY,
    SCHEDULE_HORIZON,
    check_aware,
    check_dry_run,
    check_past_day,
    check_query_time,
    check_schedule,
)
from domain.values import PolicyQuery
from domain.vocabulary import Cause

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
ZONES = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
ANY_MOMENT = st.datetimes(timezones=ZONES)


def test_a_naive_time_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_aware("scheduled_for", datetime(2026, 12, 8, 10, 0))
    assert refused.value.field == "scheduled_for"


@given(st.dates())
def test_a_purchase_date_is_accepted_exactly_from_2000_to_today(day: date) -> None:
    inside = EARLIEST_DAY <= day <= date(2026, 12, 7)
    try:
        check_past_day("purchase.purchased_on", day, NOW)
    except OutOfWindowError as refused:
        assert not inside
        assert (refused.earliest, refused.latest) == (EARLIEST_DAY, date(2026, 12, 7))
    else:
        assert inside


def test_today_is_the_day_in_china() -> None:
    late_evening_utc = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # 04:00 on the 8th in China
    assert check_past_day("purchase.purchased_on", date(2026, 12, 8), late_evening_utc)


@given(ANY_MOMENT)
def test_a_schedule_lies_between_its_fact_and_two_years_after(moment: datetime) -> None:
    inside = NOW <= moment <= NOW + SCHEDULE_HORIZON
    try:
        check_schedule("scheduled_for", moment, NOW)
    except OutOfWindowError:
        assert not inside
    else:
        assert inside


@given(ANY_MOMENT)
def test_any_query_time_is_answered_or_refused_never_crashes(moment: datetime) -> None:
    try:
        check_query_time("as_of", moment, NOW)
    except OutOfWindowError as refused:
        assert refused.field == "as_of"


@given(st.dates(), st.dates())
def test_a_dry_run_refuses_any_date_outside_2000_to_two_years_ahead(
    purchased: date, reported: date
) -> None:
    latest = (NOW + SCHEDULE_HORIZON).astimezone(timezone(timedelta(hours=8))).date()
    inside = all(EARLIEST_DAY <= day <= latest for day in (purchased, reported))
    query = PolicyQuery(
        category="lighting", purchased_on=purchased, reported_on=reported, cause=Cause.WEAR
    )
    try:
        check_dry_run(query, NOW)
    except OutOfWindowError:
        assert not inside
    else:
        assert inside
