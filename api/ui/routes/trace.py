"""Traceability: a serial number's chain and story, or a batch, model or supplier summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.http.deps import ViewConnection
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, render
from domain.errors import InvalidInputError
from projections.trace import trace_queries as q
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/trace", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Tracer = Annotated[Session, page_requires("trace:read")]
SUMMARIES = {"batch": q.batch_summary, "model": q.model_summary, "supplier": q.supplier_summary}
SEARCHES = ("serial", *SUMMARIES)
# Serial numbers and claim numbers a summary lists on the page (the first in order; only
# these are read); the recall list (CSV) has them all. A model with 10,000 claims took
# half a second to render in full.
LISTED = 100


@router.get("")
def read_trace_page(
    request: Request,
    conn: ViewConnection,
    session: Tracer,
    by: Annotated[str, Query(max_length=20)] = "serial",
    key: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Search by serial number, batch, model or supplier."""
    if by not in SEARCHES:
        raise InvalidInputError("by", f"must be one of {', '.join(SEARCHES)}")
    key = key.strip()
    story = summary = None
    if key and by == "serial":
        story = q.serial_story(conn, key, with_data=True)
    elif key:
        summary = SUMMARIES[by](conn, key, LISTED)
    return render(
        request, "trace.html", session, by=by, key=key, searches=SEARCHES,
        story=story, summary=summary, listed=LISTED,
    )  # fmt: skip
