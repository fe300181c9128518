"""The feed: the ledger's claim events in commit order, as the public contract presents them.

Positions are the event store's notification ids. Every writer appends under
the store's table lock (``storage.event_append``, ``storage.event_import``, the
library's own path) and commits before the next writer draws an id, so ids
become visible in commit order: once a position is visible, every committed
position below it is too. A page therefore reads after the client's position
up to the head seen at the start of the read (``max_notification_id``), and a
client that pages on from the last position it got never skips a committed
event. Ids drawn by transactions that rolled back are gaps that hold nothing.

Unit registrations (``domain.units``) are stored in a table of their own with
positions of their own: they are not claim events and are not in this feed.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from eventsourcing.utils import get_topic

from domain.application import EVENT_ENVELOPE, ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from projections.feed.claim_keys import ClaimKeys
from projections.feed.contract import BY_DOMAIN_EVENT, BY_NAME, CONTRACT_VERSION, PublicType
from projections.feed.shapes import Json

logger = logging.getLogger(__name__)
MAX_LIMIT = 1000
TOPICS = {t.name: f"{get_topic(Claim)}.{t.domain_event}" for t in BY_NAME.values()}


@dataclass(frozen=True)
class FeedPage:
    """Events after a position, and where the next page starts."""

    events: list[dict[str, Json]]
    next_after: int
    """The position to ask for next: the last event's, or the head when the page is short."""
    head: int


class EventFeed:
    """Reads pages of public events from the ledger (one per process; keeps a claim cache)."""

    def __init__(self, ledger: ClaimsLedger) -> None:
        self.ledger = ledger
        self.keys = ClaimKeys(ledger)

    def head(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def page(self, after: int, limit: int, types: Collection[str] = ()) -> FeedPage:
        """Up to ``limit`` events after ``after`` (of ``types`` only, when given)."""
        head = self.head()
        topics = [TOPICS[t] for t in sorted(types)]
        notifications = self.ledger.recorder.select_notifications(
            start=after, limit=limit, stop=head, topics=topics, inclusive_of_start=False
        )
        decoded = []
        for notification in notifications:
            try:
                decoded.append((notification.id, self.ledger.mapper.to_domain_event(notification)))
            except Exception as error:  # a damaged row: the views quarantine it; skipped here
                logger.warning("feed skips an event it cannot decode: %s", type(error).__name__)
        for _, event in decoded:
            if type(event).__name__ == "Reported":
                self.keys.learn(event.originator_id, event)
        self.keys.fetch([e.originator_id for _, e in decoded])
        events = [p for p in (self.present(pos, e) for pos, e in decoded) if p is not None]
        full = len(notifications) == limit
        following = notifications[-1].id if full else max(head, after)
        return FeedPage(events=events, next_after=following, head=head)

    def present(self, position: int, event: Any) -> dict[str, Json] | None:
        """The event as the contract presents it (None for a type outside the contract)."""
        public: PublicType | None = BY_DOMAIN_EVENT.get(type(event).__name__)
        keys = self.keys.of(event.originator_id)
        if public is None or keys is None:
            return None
        data = {k: v for k, v in event.__dict__.items() if k not in EVENT_ENVELOPE}
        return {
            "position": position,
            "type": public.name,
            "schema_version": CONTRACT_VERSION,
            "claim_number": keys[0],
            "version": event.originator_version,
            "customer_id": keys[1],
            "occurred_at": event.occurred_at.astimezone(BUSINESS_TZ).isoformat(),
            "recorded_at": event.timestamp.astimezone(BUSINESS_TZ).isoformat(),
            "actor_role": event.actor.role.value,
            "data": public.business_fields(data),
        }
