"""Working-time arithmetic on the business calendar (Asia/Shanghai, 9:00–18:00)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import BusinessCalendar
from domain.errors import CalendarDataError, InvalidInputError

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = BusinessCalendar()


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_three_working_days_from_friday_afternoon_end_wednesday_afternoon() -> None:
    assert CALENDAR.add_working_time(sh(2026, 11, 20, 17), 3) == sh(2026, 11, 25, 17)


def test_three_working_days_from_national_day_eve_end_on_the_adjusted_saturday() -> None:
    # 8 h on 09-30, holiday 10-01..10-07, 9 h on 10-08 and 10-09, the last hour on 10-10.
    assert CALENDAR.add_working_time(sh(2026, 9, 30, 10), 3) == sh(2026, 10, 10, 10)


def test_start_on_a_weekend_counts_from_monday_opening() -> None:
    assert CALENDAR.add_working_time(sh(2026, 11, 21, 10), 1) == sh(2026, 11, 23, 18)


def test_start_before_opening_counts_from_opening() -> None:
    assert CALENDAR.add_working_time(sh(2026, 11, 23, 7), 0.5) == sh(2026, 11, 23, 13, 30)


def test_start_after_closing_counts_from_next_opening() -> None:
    assert CALENDAR.add_working_time(sh(2026, 11, 23, 19), 0) == sh(2026, 11, 24, 9)


def test_target_used_up_at_closing_ends_at_closing() -> None:
    assert CALENDAR.add_working_time(sh(2026, 11, 23, 9), 1) == sh(2026, 11, 23, 18)


def test_shorter_working_hours_make_shorter_working_days() -> None:
    calendar = BusinessCalendar(work_start=time(10), work_end=time(16))
    assert calendar.add_working_time(sh(2026, 11, 23, 10), 1.5) == sh(2026, 11, 24, 13)


def test_year_without_official_data_skips_extra_holidays() -> None:
    calendar = BusinessCalendar(extra_holidays=frozenset({date(2027, 1, 1)}))
    # 1 h on 12-31, New Year's Day off, 9 h each on Mon 01-04 and Tue 01-05, 8 h on Wed.
    assert calendar.add_working_time(sh(2026, 12, 31, 17), 3) == sh(2027, 1, 6, 17)


def test_result_is_in_the_calendar_time_zone() -> None:
    due = CALENDAR.add_working_time(datetime(2026, 11, 20, 9, tzinfo=UTC), 3)
    assert (due.tzinfo, due) == (SHANGHAI, sh(2026, 11, 25, 17))


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        CALENDAR.add_working_time(sh(2026, 11, 23, 9), -1)


def test_calendar_without_working_days_reports_bad_data() -> None:
    first = date(2027, 1, 1)
    closed = frozenset(first + timedelta(days=n) for n in range(400))
    with pytest.raises(CalendarDataError):
        BusinessCalendar(extra_holidays=closed).add_working_time(sh(2027, 1, 1), 1)


def test_working_time_over_a_weekend_counts_only_working_hours() -> None:
    between = CALENDAR.working_time_between(sh(2026, 11, 20, 17), sh(2026, 11, 23, 10))
    assert between == timedelta(hours=2)


def test_working_time_over_national_day_counts_the_adjusted_saturday() -> None:
    between = CALENDAR.working_time_between(sh(2026, 9, 30, 18), sh(2026, 10, 11, 0))
    assert between == timedelta(hours=27)


def test_working_time_of_a_reversed_interval_is_zero() -> None:
    assert CALENDAR.working_time_between(sh(2026, 11, 24, 12), sh(2026, 11, 23, 12)) == timedelta()


def test_naive_start_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        CALENDAR.add_working_time(datetime(2026, 11, 20, 17), 3)


def test_naive_interval_end_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        CALENDAR.working_time_between(sh(2026, 11, 20, 17), datetime(2026, 11, 23, 10))
