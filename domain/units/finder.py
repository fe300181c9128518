"""Finding the claims that mention a serial number, without missing a recorded one.

A claim mentions a serial when one of its items was reported with it
(``Reported``) or a replacement with it was shipped (``ReplacementShipped``).
``LogScan`` reads the ledger's notification log for those events: complete,
and what the ledger uses on its own. The service adds an index over the trace
view (``projections.units.unit_index``), which looks up what the view holds
and scans only the log's tail the view has not applied yet, so nothing recorded
is ever missed, however far behind the view is.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from domain.claim import Claim

PAGE = 1000
# Only these events name serials; the log is read for them alone (by topic, in the database).
TOPICS = tuple(get_topic(getattr(Claim, name)) for name in ("Reported", "ReplacementShipped"))


class ClaimFinder(Protocol):
    def claims_about(self, serials: Collection[str]) -> set[UUID]:
        """The ids of every recorded claim that mentions one of the serials."""
        ...


def mentions(event: Any, serials: Collection[str]) -> bool:
    """Whether a claim event names one of the serials (reported, or shipped as a replacement)."""
    name = type(event).__name__
    data = event.__dict__
    if name == "Reported":
        return any(item.serial_no.strip() in serials for item in data["items"])
    if name == "ReplacementShipped":
        shipped = data.get("serial_nos") or (data.get("serial_no") or "",)
        return any(str(serial).strip() in serials for serial in shipped)
    return False


class LogScan:
    """Reads the notification log after a position for claims mentioning the serials."""

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        self.recorder = recorder
        self.mapper = mapper

    def claims_about(self, serials: Collection[str], after: int = 0) -> set[UUID]:
        found: set[UUID] = set()
        wanted = {serial.strip() for serial in serials} - {""}  # a blank serial names no unit
        if not wanted:
            return found
        while True:
            page = self.recorder.select_notifications(
                start=after,
                limit=PAGE,
                inclusive_of_start=False,
                topics=TOPICS,
            )
            for notification in page:
                claim_id = UUID(str(notification.originator_id))
                if claim_id in found:
                    continue
                if mentions(self.mapper.to_domain_event(notification), wanted):
                    found.add(claim_id)
            if len(page) < PAGE:
                return found
            after = page[-1].id
