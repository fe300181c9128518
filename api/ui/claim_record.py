"""One claim for its console page: its state at any version and its timeline, in one read.

The page shows the claim's state (current or "as of" an earlier version) and
every event. Both come from the claim's stored events, read once: the state is
the library's own projection (``project_aggregate``) of the events up to the
version, exactly as the ledger's repository builds it, so the page never pays
a second round trip for the aggregate (or a third for a snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import project_aggregate

from api.http.claim_refs import claim_id_of
from domain.application import ClaimsLedger, HistoryEntry, history_entry
from domain.claim import Claim
from domain.errors import ClaimNotFoundError, InvalidInputError


@dataclass(frozen=True)
class ClaimRecord:
    """The claim at the version asked for, the latest version, and every event."""

    claim: Claim
    latest_version: int
    timeline: list[HistoryEntry]

    @property
    def is_current(self) -> bool:
        return self.claim.version == self.latest_version


def claim_id_from(reference: str) -> UUID:
    """A claim's id from its id or its claim number (ids derive from numbers)."""
    return claim_id_of(reference)


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
    timeline = [history_entry(e) for e in events]
    return ClaimRecord(claim=claim, latest_version=latest, timeline=timeline)
