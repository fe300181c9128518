"""The public event feed: the contract, pages in ledger order, and a Server-Sent Events stream.

Pages and the stream need ``events:read``; the contract itself names no claim
and is open. Each process keeps one feed (it caches claim numbers).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.http.deps import requires, runtime_of
from api.http.routes import api_router
from api.http.schemas.events import EventsPublic
from api.roles import EVENTS_READ
from domain.errors import InvalidInputError
from projections.feed.contract import contract_document, public_types
from projections.feed.reader import MAX_LIMIT, EventFeed
from storage.users import User

router = api_router(prefix="/events", tags=["events"])
STREAM_PAGE = 500
STREAM_POLL_SECONDS = 0.5
PING_SECONDS = 15
Position = Annotated[int, Query(ge=0, le=2**62, description="the last position already seen")]
Types = Annotated[
    str | None,
    Query(max_length=1000, description="comma-separated public event types (all when absent)"),
]


def parse_types(types: str | None) -> frozenset[str]:
    return public_types((types or "").split(","))


def feed_of(request: Request) -> EventFeed:
    """The process's feed over the open ledger."""
    ledger = runtime_of(request).ledger
    feed: EventFeed | None = getattr(request.app.state, "event_feed", None)
    if feed is None or feed.ledger is not ledger:
        feed = EventFeed(ledger)
        request.app.state.event_feed = feed
    return feed


@router.get("/schema")
def read_event_schema() -> dict[str, Any]:
    """The public event contract: one JSON Schema per event type (no personal data)."""
    return contract_document()


@router.get("")
def read_events(
    request: Request,
    _: Annotated[User, requires(EVENTS_READ)],
    after: Position = 0,
    types: Types = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> EventsPublic:
    """Read the ledger's events after a position, in commit order, without gaps."""
    page = feed_of(request).page(after, limit, parse_types(types))
    return EventsPublic(
        data=page.events, count=len(page.events), next_after=page.next_after, head=page.head
    )


@router.get(
    "/stream",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def stream_events(
    request: Request,
    _: Annotated[User, requires(EVENTS_READ)],
    after: Position = 0,
    types: Types = None,
    last_event_id: Annotated[
        str | None, Header(description="resume after this position (sent by reconnecting clients)")
    ] = None,
) -> EventSourceResponse:
    """Stream the ledger's events as Server-Sent Events (id = position), resuming after
    ``Last-Event-ID`` (or ``after``)."""
    wanted = parse_types(types)
    start = after
    if last_event_id is not None:
        if not (last_event_id.isascii() and last_event_id.isdigit() and len(last_event_id) < 19):
            raise InvalidInputError("Last-Event-ID", "must be a ledger position such as 42")
        start = int(last_event_id)
    feed = feed_of(request)
    return EventSourceResponse(follow(feed, start, wanted), ping=PING_SECONDS)


async def follow(
    feed: EventFeed, after: int, types: frozenset[str]
) -> AsyncIterator[ServerSentEvent]:
    """The feed's events after ``after``, then new ones as they are recorded."""
    while True:
        page = await run_in_threadpool(feed.page, after, STREAM_PAGE, types)
        for event in page.events:
            data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            yield ServerSentEvent(data=data, event=event["type"], id=str(event["position"]))
        after = page.next_after
        if not page.events:
            await asyncio.sleep(STREAM_POLL_SECONDS)
