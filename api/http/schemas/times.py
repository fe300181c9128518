"""Times and dates at the API edge: always with a zone, within ``domain.time_window``'s bounds.

A naive time is refused with the field named, the same way on every route and
in the console's forms (which validate through these schemas). The windows that
need the claim (a schedule after its fact) or the ledger's clock (a purchase
not after today) are checked by the ledger itself; the ones a query needs are
checked here, against this process's clock.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime

from domain.claim import BUSINESS_TZ
from domain.errors import OutOfWindowError
from domain.time_window import check_query_time


def _query_time(moment: datetime) -> datetime:
    try:
        return check_query_time("", moment, datetime.now(UTC))
    except OutOfWindowError as error:
        raise ValueError(error.reason) from None


BusinessTime = AwareDatetime
"""A business time (``occurred_at``, ``scheduled_for``): the ledger checks its window."""

QueryTime = Annotated[AwareDatetime, AfterValidator(_query_time)]
"""A time a query asks about (``as_of``, a period's bounds): 2000-01-01 to a day from now."""


def at_business_offset(moment: datetime) -> datetime:
    """The same instant at +08:00; one within hours of the calendar's end stays as stored
    (9999-12-31T23:00Z has no +08:00 form)."""
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(BUSINESS_TZ)
    except OverflowError:
        return moment


def in_business_time(value: Any) -> Any:
    """``value`` with every time in it, at any depth (dataclass rows, dicts, lists), moved to
    the business offset (+08:00): the same instant, told the way the business tells it."""
    if isinstance(value, datetime):
        return at_business_offset(value)
    if isinstance(value, list):
        return [in_business_time(item) for item in value]
    if isinstance(value, tuple):
        return tuple(in_business_time(item) for item in value)
    if isinstance(value, dict):
        return {key: in_business_time(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {
            field.name: in_business_time(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.init and isinstance(getattr(value, field.name), datetime | list | tuple | dict)
        }
        return dataclasses.replace(value, **changed) if changed else value
    return value


AnswerTime = Annotated[datetime, AfterValidator(in_business_time)]
"""A time in an answer: RFC 3339 with the business offset, ``2026-12-07T13:10:46+08:00``."""

InBusinessTime = AfterValidator(in_business_time)
"""Marks an answer's field whose value holds times (rows, a payload): each told at +08:00
(``Annotated[list[AuditRow], InBusinessTime]``)."""
