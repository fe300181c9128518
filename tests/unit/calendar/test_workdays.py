"""Which days the business calendar counts as working days."""

from datetime import UTC, date, datetime, time

import pytest

from domain.calendar import (
    BusinessCalendar,
    HolidaySource,
    has_official_data,
    holiday_sources,
    years_without_official_data,
)
from domain.errors import InvalidInputError


def test_national_day_holiday_is_not_a_working_day() -> None:
    assert not BusinessCalendar().is_workday(date(2026, 10, 5))


def test_adjusted_saturday_after_national_day_is_a_working_day() -> None:
    assert BusinessCalendar().is_workday(date(2026, 10, 10))


def test_ordinary_weekend_is_not_a_working_day() -> None:
    assert not BusinessCalendar().is_workday(date(2026, 11, 21))


def test_2026_has_official_data() -> None:
    assert has_official_data(2026)


def test_2027_has_no_official_data() -> None:
    assert not has_official_data(2027)


def test_years_without_official_data_are_listed_sorted_and_once() -> None:
    assert years_without_official_data([2027, 2025, 2027, 2003, 2026]) == [2003, 2027]


def test_each_year_names_the_source_of_its_public_holidays() -> None:
    assert holiday_sources([2027, 2026, 2101, 2027]) == {
        2026: HolidaySource.ANNOUNCED,
        2027: HolidaySource.STATUTORY,
        2101: HolidaySource.WEEKDAYS,
    }


def test_new_years_day_2027_is_a_holiday_from_the_statutory_source() -> None:
    # 2027-01-01 is a Friday; chinesecalendar 1.11 does not know 2027.
    assert not BusinessCalendar().is_workday(date(2027, 1, 1))


def test_spring_festival_2027_is_not_a_working_day() -> None:
    calendar = BusinessCalendar()
    assert [calendar.is_workday(date(2027, 2, day)) for day in range(4, 12)] == [
        True, False, False, False, False, False, False, True,
    ]  # fmt: skip


def test_statutory_source_counts_ordinary_weekdays_as_working_days() -> None:
    assert BusinessCalendar().is_workday(date(2027, 1, 4))


def test_year_no_source_covers_counts_weekdays_as_working_days() -> None:
    # 2101-01-03 is a Monday; the holidays package stops at 2100.
    assert BusinessCalendar().is_workday(date(2101, 1, 3))


def test_year_without_official_data_counts_weekends_as_rest_days() -> None:
    assert not BusinessCalendar().is_workday(date(2027, 1, 2))


def test_extra_holiday_closes_a_weekday_of_a_year_without_data() -> None:
    calendar = BusinessCalendar(extra_holidays=frozenset({date(2027, 1, 1)}))
    assert not calendar.is_workday(date(2027, 1, 1))


def test_extra_workday_opens_a_weekend_of_a_year_without_data() -> None:
    calendar = BusinessCalendar(extra_workdays=frozenset({date(2027, 2, 20)}))
    assert calendar.is_workday(date(2027, 2, 20))


def test_extra_holiday_overrides_official_data() -> None:
    calendar = BusinessCalendar(extra_holidays=frozenset({date(2026, 10, 10)}))
    assert not calendar.is_workday(date(2026, 10, 10))


def test_extra_workday_overrides_official_data() -> None:
    calendar = BusinessCalendar(extra_workdays=frozenset({date(2026, 10, 3)}))
    assert calendar.is_workday(date(2026, 10, 3))


def test_aware_datetime_counts_by_its_local_date() -> None:
    # 16:30 UTC on Friday 2026-10-09 is 00:30 on the adjusted Saturday in Shanghai.
    assert BusinessCalendar().is_workday(datetime(2026, 10, 9, 16, 30, tzinfo=UTC))


def test_date_both_extra_holiday_and_extra_workday_is_refused() -> None:
    both = frozenset({date(2027, 1, 4)})
    with pytest.raises(InvalidInputError):
        BusinessCalendar(extra_holidays=both, extra_workdays=both)


def test_working_hours_ending_before_they_start_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        BusinessCalendar(work_start=time(18), work_end=time(9))


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        BusinessCalendar(timezone="Asia/Atlantis")


def test_working_day_lasts_from_opening_to_closing() -> None:
    assert BusinessCalendar(work_start=time(8, 30), work_end=time(17)).working_day.seconds == 30600
