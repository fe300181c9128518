"""One claim for its console page: its state at any version and its timeline, in one read.

The page shows the claim's state (current or "as of" an earlier version) and
every event. Both come from the claim's stored events, read once: the state is
the library's own projection (``project_aggregate``) of the events up to the
version, exactly as the ledger's repository builds it, so the page never pays
a second round trip for the aggregate (or a third for a snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import ClaimNotFoundError, InvalidInputError
from domain.values import Actor, CoverageDecision

# Envelope fields shown in their own columns, not among an event's details.
ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "actor", "occurred_at", "originator_topic"}
)


@dataclass(frozen=True)
class TimelineEntry:
    """One event as the timeline shows it."""

    version: int
    event_type: str
    actor: Actor
    occurred_at: datetime
    recorded_at: datetime
    data: dict[str, Any]

    @property
    def decision(self) -> CoverageDecision | None:
        decision = self.data.get("decision")
        return decision if isinstance(decision, CoverageDecision) else None


@dataclass(frozen=True)
class ClaimRecord:
    """The claim at the version asked for, the latest version, and every event."""

    claim: Claim
    latest_version: int
    timeline: list[TimelineEntry]

    @property
    def is_current(self) -> bool:
        return self.claim.version == self.latest_version


def claim_id_from(reference: str) -> UUID:
    """A claim's id from its id or its claim number (ids derive from numbers)."""
    try:
        return UUID(reference)
    except ValueError:
        return Claim.create_id(reference)


def read_claim_record(
    ledger: ClaimsLedger, claim_id: UUID, version: int | None = None
) -> ClaimRecord:
    """The claim at ``version`` (default: the latest) and its whole timeline.

    Raises ClaimNotFoundError for an unknown claim and InvalidInputError for a
    version the claim does not have.
    """
    events = list(ledger.events.get(claim_id))
    if not events:
        raise ClaimNotFoundError(claim_id)
    latest = events[-1].originator_version
    if version is not None and not 1 <= version <= latest:
        raise InvalidInputError("version", f"the claim has versions 1 to {latest}")
    upto = [e for e in events if version is None or e.originator_version <= version]
    claim = project_aggregate(None, upto)
    assert isinstance(claim, Claim)
    timeline = [
        TimelineEntry(
            version=e.originator_version,
            event_type=type(e).__name__,
            actor=e.actor,
            occurred_at=e.occurred_at,
            recorded_at=e.timestamp,
            data={k: v for k, v in e.__dict__.items() if k not in ENVELOPE},
        )
        for e in events
    ]
    return ClaimRecord(claim=claim, latest_version=latest, timeline=timeline)
