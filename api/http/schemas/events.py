"""The event feed's answers: public events (the contract's shapes) and where to go on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class EventsPublic(BaseModel):
    """A page of the feed, in ledger order."""

    data: list[dict[str, Any]] = Field(
        description="events as /api/v1/events/schema describes them, by position"
    )
    count: int
    next_after: int = Field(
        description="the `after` of the next page: the last event's position, or the head read "
        "up to when the page is not full (no committed event lies between)"
    )
    head: int = Field(description="the ledger's head when the page was read")
