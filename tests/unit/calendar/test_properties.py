"""Properties of working-time arithmetic, over years with and without official data."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import BusinessCalendar

CALENDAR = BusinessCalendar()

starts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([ZoneInfo("Asia/Shanghai"), UTC]),
)
working_days = st.one_of(
    st.integers(min_value=0, max_value=30),
    st.floats(min_value=0, max_value=30, allow_nan=False),
)


@given(starts, working_days, working_days)
def test_more_working_days_never_end_earlier(start: datetime, n: float, m: float) -> None:
    low, high = sorted((n, m))
    assert CALENDAR.add_working_time(start, low) <= CALENDAR.add_working_time(start, high)


@given(starts, working_days)
def test_result_lies_within_working_hours_of_a_working_day(start: datetime, n: float) -> None:
    end = CALENDAR.add_working_time(start, n)
    assert CALENDAR.is_workday(end.date())
    assert CALENDAR.work_start <= end.time() <= CALENDAR.work_end


@given(starts, working_days)
def test_working_time_up_to_the_result_is_the_target(start: datetime, n: float) -> None:
    end = CALENDAR.add_working_time(start, n)
    assert CALENDAR.working_time_between(start, end) == CALENDAR.working_day * n
