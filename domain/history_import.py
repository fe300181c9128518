"""Historical claims as lines of JSON: how they are written and checked before import.

One line holds one claim and all its events, oldest first::

    {"claim_number": "LF-2019-0001",
     "events": [{"topic": "domain.claim:Claim.Reported", "version": 1, "state": {…}}, …]}

``state`` is the event's fields exactly as the ledger's transcoder stores them
(dates, enums and value objects tagged with ``_type_``), so a line decodes
into the ledger's own event classes. Before a line is accepted its events
must be claim events with versions 1, 2, 3 … starting with ``Reported``, on
the id the claim number gives, and they must fold into a claim: whatever the
import stores, the ledger can load.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from eventsourcing.domain import AggregateCreated, AggregateEvent, DomainEvent
from eventsourcing.persistence import Transcoder
from eventsourcing.utils import get_topic

from domain.claim import Claim
from domain.errors import InvalidInputError
from domain.values import Actor, SealedCustomer

_ENVELOPE = ("originator_id", "originator_version")


@cache
def claim_event_classes() -> dict[str, type[DomainEvent]]:
    """Every claim event class by its stored topic (the only topics an import accepts)."""
    found: dict[str, type[DomainEvent]] = {}
    for value in vars(Claim).values():
        if (
            isinstance(value, type)
            and issubclass(value, Claim.Event)
            and value not in (Claim.Event, Claim.Created)
        ):
            found[get_topic(value)] = value
    return found


def history_line(transcoder: Transcoder, events: Sequence[DomainEvent]) -> bytes:
    """One claim's events (oldest first) as one line of the import format."""
    first = events[0]
    claim_number = getattr(first, "claim_number", None)
    if not isinstance(claim_number, str):
        raise InvalidInputError("events", "must start with the claim's Reported event")
    record = {
        "claim_number": claim_number,
        "events": [
            {
                "topic": get_topic(type(e)),
                "version": e.originator_version,
                "state": {k: v for k, v in vars(e).items() if k not in _ENVELOPE},
            }
            for e in events
        ],
    }
    return transcoder.encode(record)


def claim_events(record: Any) -> list[DomainEvent]:
    """The checked events of one decoded line; InvalidInputError names what is wrong."""
    if not isinstance(record, dict) or not isinstance(record.get("claim_number"), str):
        raise InvalidInputError("claim_number", "each line needs a claim_number string")
    entries = record.get("events")
    if not isinstance(entries, list) or not entries:
        raise InvalidInputError("events", "must be a non-empty list")
    claim_id = Claim.create_id(record["claim_number"])
    classes = claim_event_classes()
    events: list[DomainEvent] = []
    for index, entry in enumerate(entries):
        where = f"events.{index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("state"), dict):
            raise InvalidInputError(where, "needs topic, version and a state object")
        cls = classes.get(entry.get("topic"))  # type: ignore[arg-type]
        if cls is None:
            raise InvalidInputError(f"{where}.topic", f"not a claim event: {entry.get('topic')!r}")
        if entry.get("version") != index + 1:
            raise InvalidInputError(f"{where}.version", f"must be {index + 1} (gapless from 1)")
        if issubclass(cls, AggregateCreated) != (index == 0):
            raise InvalidInputError(f"{where}.topic", "Reported comes first, and only there")
        if index == 0 and not isinstance(entry["state"].get("customer"), SealedCustomer):
            # No event may hold personal data in plaintext (domain.personal_data).
            raise InvalidInputError(f"{where}.state.customer", "must be a sealed customer")
        _check_envelope(where, entry["state"])
        if events and entry["state"]["occurred_at"] < events[-1].__dict__["occurred_at"]:
            # Imported facts obey the live rule too: business time runs forward.
            reason = "precedes the previous event's occurred_at"
            raise InvalidInputError(f"{where}.state.occurred_at", reason)
        event: DomainEvent = object.__new__(cls)
        event.__dict__.update(entry["state"])
        event.__dict__["originator_id"] = claim_id
        event.__dict__["originator_version"] = index + 1
        events.append(event)
    _fold(events)
    return events


def _check_envelope(where: str, state: dict[str, Any]) -> None:
    """Every claim event records who acted and both times, as typed values."""
    for name in ("timestamp", "occurred_at"):
        if not isinstance(state.get(name), datetime):
            raise InvalidInputError(f"{where}.state.{name}", "must be a tagged datetime")
    if not isinstance(state.get("actor"), Actor):
        raise InvalidInputError(f"{where}.state.actor", "must be a tagged Actor")


def _fold(events: Sequence[DomainEvent]) -> None:
    """Applies the events to a claim, as loading it will; refuses what would not load."""
    claim: Any = None
    for index, event in enumerate(events):
        try:
            assert isinstance(event, AggregateEvent)  # every claim event is one
            claim = event.mutate(claim)
        except Exception as error:  # noqa: BLE001 - any failure means the claim cannot load
            reason = f"does not apply to the claim ({type(error).__name__}: {error})"
            raise InvalidInputError(f"events.{index}", reason) from None
