"""A claim event as projections see it: the event plus its ledger position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.application import EVENT_ENVELOPE
from domain.values import Actor


@dataclass(frozen=True)
class Envelope:
    """One stored claim event, decoded, with the position it holds in the ledger."""

    position: int
    claim_id: UUID
    version: int
    event_type: str
    actor: Actor
    occurred_at: datetime
    recorded_at: datetime
    data: dict[str, Any]
    event: Any

    @classmethod
    def wrap(cls, position: int, event: Any) -> Envelope:
        """Wraps a decoded domain event (``Claim.Reported`` …) read at ``position``."""
        return cls(
            position=position,
            claim_id=event.originator_id,
            version=event.originator_version,
            event_type=type(event).__name__,
            actor=event.actor,
            occurred_at=event.occurred_at,
            recorded_at=event.timestamp,
            data={k: v for k, v in event.__dict__.items() if k not in EVENT_ENVELOPE},
            event=event,
        )
