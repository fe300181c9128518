"""The sane windows of business dates and times, in one place.

The API's schemas, the console's forms and filters, ``/policy/evaluate`` and the
ledger itself check against these bounds, so a date is refused the same way
wherever it comes in:

- every time carries a zone (a naive time is ambiguous by 8 hours or more);
- a purchase or delivery lies between 2000-01-01 and today;
- a schedule (``scheduled_for``, ``promised_by``) lies between the fact that
  sets it and two years after;
- a query time (``as_of``, a list's period) lies between 2000-01-01 and a day
  from now;
- a 三包 dry run's dates lie between 2000-01-01 and two years from today.

The domain reads no clock: "now" and "today" come in as arguments.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidInputError, OutOfWindowError
from domain.values import PolicyQuery, Purchase

_CHINA = ZoneInfo("Asia/Shanghai")
EARLIEST_DAY = date(2000, 1, 1)
EARLIEST = datetime(2000, 1, 1, tzinfo=_CHINA)
# Two years and a leap day: a repair or a promise is planned no further ahead.
SCHEDULE_HORIZON = timedelta(days=731)
# A query may look a little past now (clocks differ), never years ahead.
QUERY_LEAD = timedelta(days=1)
# How far a caller's clock may run ahead of the ledger's.
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)


def _day(moment: datetime) -> date:
    return moment.astimezone(_CHINA).date()


def check_aware(field: str, moment: datetime) -> datetime:
    """The moment, which must carry a time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(field, "must include a time zone")
    return moment


def check_day(field: str, day: date, earliest: date, latest: date) -> date:
    """The day, which must lie within ``earliest``..``latest``."""
    if not earliest <= day <= latest:
        raise OutOfWindowError(field, day, earliest, latest)
    return day


def check_moment(field: str, moment: datetime, earliest: datetime, latest: datetime) -> datetime:
    """The moment (with a zone), which must lie within ``earliest``..``latest``."""
    check_aware(field, moment)
    if not earliest <= moment <= latest:
        raise OutOfWindowError(field, moment, earliest, latest)
    return moment


def check_past_day(field: str, day: date, now: datetime) -> date:
    """A purchase or delivery date: from 2000-01-01, not after today in China."""
    return check_day(field, day, EARLIEST_DAY, _day(now))


def check_schedule(field: str, moment: datetime, fact_time: datetime) -> datetime:
    """A planned time: not before the fact that plans it, at most two years after."""
    return check_moment(field, moment, fact_time, fact_time + SCHEDULE_HORIZON)


def check_schedule_day(field: str, day: date, fact_time: datetime) -> date:
    """A planned day (a promised resolution): from the fact's day to two years after."""
    return check_day(field, day, _day(fact_time), _day(fact_time + SCHEDULE_HORIZON))


def check_query_time(field: str, moment: datetime, now: datetime) -> datetime:
    """A time a query asks about: from 2000-01-01 to a day from now."""
    return check_moment(field, moment, EARLIEST, now + QUERY_LEAD)


def check_dry_run_day(field: str, day: date, now: datetime) -> date:
    """A date of a 三包 dry run, which may ask about the near future."""
    return check_day(field, day, EARLIEST_DAY, _day(now + SCHEDULE_HORIZON))


def check_purchase(purchase: Purchase, now: datetime) -> None:
    """A report's purchase and delivery dates: from 2000-01-01, not after today."""
    check_past_day("purchase.purchased_on", purchase.purchased_on, now)
    if purchase.delivered_on is not None:
        check_past_day("purchase.delivered_on", purchase.delivered_on, now)


def check_dry_run(query: PolicyQuery, now: datetime) -> None:
    """Every date of a 三包 dry run: from 2000-01-01 to two years from today."""
    days = {
        "purchased_on": query.purchased_on,
        "delivered_on": query.delivered_on,
        "reported_on": query.reported_on,
        "exchanged_on": query.exchanged_on,
    }
    for number, repair in enumerate(query.repairs):
        days[f"repairs.{number}.started_on"] = repair.started_on
        days[f"repairs.{number}.finished_on"] = repair.finished_on
    for field, day in days.items():
        if day is not None:
            check_dry_run_day(field, day, now)
