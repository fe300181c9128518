"""The claims list's filter form: the filters of ``GET /claims``, from a plain HTML form.

An HTML form sends every input, empty or not, and dates without a time zone;
this turns its query into the API's ``ClaimFilterParams`` (same constraints,
same errors), leaving empty inputs out and reading dates as China days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from pydantic import TypeAdapter, ValidationError

from api.http.schemas.filters import ClaimFilterParams
from api.ui.forms import FormErrors
from domain.claim import BUSINESS_TZ
from domain.numerals import ascii_number

ADAPTER = TypeAdapter(ClaimFilterParams)
FIELDS = list(ClaimFilterParams.__dataclass_fields__)
DATE_FIELDS = ("created_from", "created_to", "updated_from", "updated_to")
PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True)
class ListQuery:
    """The filters, the raw form values (to fill the form again), the cursor and page size."""

    filters: ClaimFilterParams
    values: dict[str, str]
    cursor: str | None
    limit: int

    def url(self, cursor: str | None = None) -> str:
        """This list's address, at another page."""
        query = {k: v for k, v in self.values.items() if v}
        if self.limit != PAGE_SIZES[0]:
            query["limit"] = str(self.limit)
        if cursor:
            query["cursor"] = cursor
        return "/ui/claims" + (f"?{urlencode(query)}" if query else "")


def _day_start(raw: str, field: str, inclusive_end: bool) -> datetime:
    """A date input as the start of that day in China (the day after, for an end)."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise FormErrors([{"field": field, "reason": "Input should be a valid date"}]) from None
    if inclusive_end:
        # The last day the calendar has ends where it ends: the window check refuses it.
        day = min(day, date.max - timedelta(days=1)) + timedelta(days=1)
    return datetime.combine(day, time(), BUSINESS_TZ)


def list_query(params: Mapping[str, str]) -> ListQuery:
    """Parses the list page's query; FormErrors with the API's field errors."""
    values = {name: params.get(name, "").strip() for name in FIELDS}
    data: dict[str, Any] = {}
    for name, raw in values.items():
        if not raw:
            continue
        if name in DATE_FIELDS:
            data[name] = _day_start(raw, name, inclusive_end=name.endswith("_to"))
        else:
            data[name] = raw
    try:
        filters = ADAPTER.validate_python(data)
    except ValidationError as error:
        errors = [
            {"field": ".".join(map(str, e["loc"])), "reason": e["msg"]} for e in error.errors()
        ]
        raise FormErrors(errors) from None
    limit = ascii_number(params.get("limit")) or PAGE_SIZES[0]
    cursor = params.get("cursor") or None
    return ListQuery(filters, values, cursor, limit if limit in PAGE_SIZES else PAGE_SIZES[0])
