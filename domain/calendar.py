"""The business calendar: which days are working days, and working-time arithmetic.

Each year's public holidays come from one source (``holiday_source``):

1. ``chinesecalendar``: the holidays and adjusted working weekends (调休) the State
   Council announced. It only knows the years already announced (1.11: 2004–2026).
2. ``holidays``: for a later (or earlier) year, the statutory holidays of China as the
   ``holidays`` package computes them (0.108 knows 2027's, Spring Festival included).
   It has no adjusted working weekends: the operator lists those (``extra_workdays``).
3. ``weekdays``: a year neither package covers is an ordinary Monday–Friday week.

Dates the operator configures (``extra_holidays``, ``extra_workdays``) override
every source.

Working hours are wall-clock times in the calendar's time zone; one working day of
a target is ``work_end - work_start`` of working time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar
from holidays import country_holidays
from holidays.countries.china import China

from domain.errors import CalendarDataError, InvalidInputError

# A year without a single working day means the configuration is wrong (every date
# declared a holiday), not a long holiday: refuse instead of looping forever.
_MAX_CLOSED_DAYS = 366
_ONE_DAY = timedelta(days=1)


@cache
def has_official_data(year: int) -> bool:
    """Whether ``chinesecalendar`` knows the public holidays and 调休 days of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def official_workday(day: date) -> bool:
    """The library's answer for a day; cached because it scans its whole table per call."""
    return bool(chinese_calendar.is_workday(day))


def years_without_official_data(years: Iterable[int]) -> list[int]:
    """The years among ``years`` (sorted, once each) without announced 调休 data."""
    return sorted({year for year in years if not has_official_data(year)})


class HolidaySource(StrEnum):
    """Where a year's public holidays come from (see the module's docstring)."""

    ANNOUNCED = "chinesecalendar"
    STATUTORY = "holidays"
    WEEKDAYS = "weekdays"


@cache
def holiday_source(year: int) -> HolidaySource:
    """The source the calendar takes ``year``'s public holidays from."""
    if has_official_data(year):
        return HolidaySource.ANNOUNCED
    if China.start_year <= year <= China.end_year:
        return HolidaySource.STATUTORY
    return HolidaySource.WEEKDAYS


def holiday_sources(years: Iterable[int]) -> dict[int, HolidaySource]:
    """Each of ``years`` (sorted, once each) with the source of its public holidays."""
    return {year: holiday_source(year) for year in sorted(set(years))}


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """China's statutory holidays (and their days off in lieu) in ``year``, from ``holidays``."""
    return frozenset(country_holidays("CN", years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days and hours of the service team, in one time zone.

    Raises ``InvalidInputError`` for an unknown time zone, working hours that do not
    form a day (``work_start >= work_end``) or a date that is both an extra holiday
    and an extra workday.
    """

    timezone: str = "Asia/Shanghai"
    work_start: time = time(9)
    work_end: time = time(18)
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInputError("timezone", f"unknown time zone {self.timezone!r}") from None
        if self.work_start.tzinfo is not None or self.work_end.tzinfo is not None:
            raise InvalidInputError("work_start", "working hours are wall-clock times, no tzinfo")
        if self.work_start >= self.work_end:
            raise InvalidInputError("work_end", "working hours must end after they start")
        # Accept any set from configuration code, but keep the calendar hashable.
        holidays, workdays = frozenset(self.extra_holidays), frozenset(self.extra_workdays)
        if both := sorted(holidays & workdays):
            raise InvalidInputError(
                "extra_workdays", f"dates both holiday and workday: {', '.join(map(str, both))}"
            )
        object.__setattr__(self, "tz", tz)
        object.__setattr__(self, "extra_holidays", holidays)
        object.__setattr__(self, "extra_workdays", workdays)

    @property
    def working_day(self) -> timedelta:
        """The working time in one working day: ``work_end - work_start``."""
        opening = datetime.combine(date.min, self.work_start)
        return datetime.combine(date.min, self.work_end) - opening

    def local(self, moment: datetime, name: str = "moment") -> datetime:
        """``moment`` in the calendar's time zone; a naive datetime is refused."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidInputError(name, f"naive datetime {moment.isoformat()}; give a time zone")
        return moment.astimezone(self.tz)

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (an aware datetime counts by its local date)."""
        if isinstance(day, datetime):
            day = self.local(day, "day").date()
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        source = holiday_source(day.year)
        if source is HolidaySource.ANNOUNCED:
            return official_workday(day)
        if source is HolidaySource.STATUTORY and day in statutory_holidays(day.year):
            return False
        return day.weekday() < 5

    def add_working_time(self, start: datetime, working_days: float) -> datetime:
        """The moment ``working_days`` working days of working time after ``start``.

        Time counts only inside working hours on working days; a start outside them
        counts from the next opening. A target used up exactly at closing time
        returns the closing time, not the next opening.
        """
        if not (math.isfinite(working_days) and working_days >= 0):
            raise InvalidInputError(
                "working_days", f"must be a finite number >= 0, not {working_days}"
            )
        return self.add_working_duration(start, self.working_day * working_days)

    def add_working_duration(self, start: datetime, duration: timedelta) -> datetime:
        """Like ``add_working_time`` with the working time given as a ``timedelta``."""
        if duration < timedelta(0):
            raise InvalidInputError("duration", f"must not be negative, not {duration}")
        cursor, remaining = self.local(start, "start"), duration
        day, closed_days = cursor.date(), 0
        while True:
            if self.is_workday(day):
                closed_days = 0
                opening, closing = max(cursor, self._opening(day)), self._closing(day)
                if opening < closing:
                    if remaining <= closing - opening:
                        return opening + remaining
                    remaining -= closing - opening
            else:
                closed_days += 1
                if closed_days > _MAX_CLOSED_DAYS:
                    raise CalendarDataError(f"no working day in the {closed_days} days up to {day}")
            day += _ONE_DAY
            cursor = self._opening(day)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """The working time inside ``[a, b]``; zero when ``b`` is not after ``a``."""
        a, b = self.local(a, "a"), self.local(b, "b")
        total, day = timedelta(0), a.date()
        while day <= b.date():
            if self.is_workday(day):
                low, high = max(a, self._opening(day)), min(b, self._closing(day))
                if high > low:
                    total += high - low
            day += _ONE_DAY
        return total

    def _opening(self, day: date) -> datetime:
        return datetime.combine(day, self.work_start, tzinfo=self.tz)

    def _closing(self, day: date) -> datetime:
        return datetime.combine(day, self.work_end, tzinfo=self.tz)
