"""Times and dates at the API edge: always with a zone, within ``domain.time_window``'s bounds.

A naive time is refused with the field named, the same way on every route and
in the console's forms (which validate through these schemas). The windows that
need the claim (a schedule after its fact) or the ledger's clock (a purchase
not after today) are checked by the ledger itself; the ones a query needs are
checked here, against this process's clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

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
