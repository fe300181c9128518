"""The claims view: one row per claim with its current state, for list queries.

Status and item stages are not re-derived here: the view folds each claim's
events into the ``Claim`` aggregate with the events' own ``mutate``, exactly as
the ledger does, and writes the row from the aggregate.

Folding needs the claim as of the row's version. The view keeps recent folds in
memory (bounded, least recently used first out) and trusts one only if its
version equals the row's, so a rolled-back batch, another runner or a rebuild
can never make it apply stale state. On a miss it replays the claim's stored
events up to the row's version. Measured, this beats keeping an encoded
snapshot in each row: encoding one costs more than the rest of the fold. Each
batch costs one SELECT of the touched rows' versions, one SELECT of the missed
claims' events (if any) and one pipelined ``executemany`` of upserts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from psycopg import Cursor, sql
from psycopg.rows import tuple_row

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.claim_status import ClaimStatus
from domain.item_track import ItemState
from domain.values import Item
from projections.engine.envelope import Envelope
from projections.engine.view import VIEWS_SCHEMA, View, handler_name

# The library names an application's events table after the application.
EVENTS_TABLE = ("public", f"{ClaimsLedger.name.lower()}_events")
DEFAULT_CACHE_SIZE = 10_000  # about 6.5 kB per claim


@dataclass
class ClaimFold:
    """One claim being folded: the aggregate, plus the facts only the row keeps.

    The aggregate forgets when the customer confirmed, when the follow-up and the
    survey happened and when the claim ended; the ``on_<event>`` handlers keep them.
    ``resolved_at`` is the business time of the event that last made the status
    resolved (whichever event settled the last item): a claim reopened, rejected
    or withdrawn loses it, and a claim resolved again gets the new one.
    """

    claim: Claim
    updated_at: datetime
    position: int
    closed_at: datetime | None = None
    confirmed_at: datetime | None = None
    followed_up_at: datetime | None = None
    surveyed_at: datetime | None = None
    resolved_at: datetime | None = None

    @classmethod
    def start(cls, reported: Envelope) -> ClaimFold:
        """A new claim from its first event (Reported)."""
        return cls(reported.event.mutate(None), reported.recorded_at, reported.position)

    @property
    def version(self) -> int:
        return int(self.claim.version)

    def apply(self, envelope: Envelope) -> None:
        """Applies one event: the aggregate's own mutator, then the row's handler."""
        was_resolved = self.claim.status is ClaimStatus.RESOLVED
        self.claim = envelope.event.mutate(self.claim)
        status = self.claim.status
        if status is ClaimStatus.RESOLVED and not was_resolved:
            self.resolved_at = envelope.occurred_at
        elif status not in (ClaimStatus.RESOLVED, ClaimStatus.CLOSED):
            self.resolved_at = None  # back to work, or ended without a resolution
        self.updated_at, self.position = envelope.recorded_at, envelope.position
        handler = getattr(self, handler_name(envelope.event_type), None)
        if handler is not None:
            handler(envelope)

    def on_customer_confirmed(self, envelope: Envelope) -> None:
        self.confirmed_at = envelope.occurred_at

    def on_followed_up(self, envelope: Envelope) -> None:
        # The 48 h follow-up target counts from the confirmation, like the SLA clock.
        if self.confirmed_at is not None and self.followed_up_at is None:
            self.followed_up_at = envelope.occurred_at

    def on_surveyed(self, envelope: Envelope) -> None:
        self.surveyed_at = envelope.occurred_at

    def on_closed(self, envelope: Envelope) -> None:
        self.closed_at = envelope.recorded_at

    on_rejected = on_withdrawn = on_closed

    def on_reopened(self, envelope: Envelope) -> None:
        # Reopening voids the confirmation, follow-up and survey (the aggregate
        # forgets them too), so the next round is measured afresh.
        self.closed_at = self.confirmed_at = self.followed_up_at = self.surveyed_at = None

    def row(self) -> dict[str, Any]:
        """Every column of the claim's row (the upsert takes its column list from here).

        The customer's name, phone and email are personal data: only the region is kept.
        """
        claim = self.claim
        items = [state.item for state in claim.items]
        # Every replacement serial of the latest exchange: one per unit exchanged.
        replacements = [serial for s in claim.items for serial in _replacements(s)]
        serials = [i.serial_no for i in items] + replacements
        return {
            "claim_id": claim.id,
            "claim_number": claim.claim_number,
            "status": claim.status.value,
            "kind": claim.kind.value,
            "channel": claim.channel.value,
            "categories": _distinct(i.category for i in items),
            "problem_category": _value(claim.problem_category),
            "priority": claim.priority.value,
            "complaint_grade": _value(claim.complaint_grade),
            "team": _value(claim.team),
            "assignee": claim.assignee,
            "region": claim.customer.region or None,
            "models": _distinct(i.model for i in items),
            "model_names": _names_of(items),
            "serial_nos": _distinct(serials),
            "item_stages": [s.stage.value for s in claim.items],
            "description": claim.description,
            "created_at": claim.reported_at,
            "updated_at": self.updated_at,
            "closed_at": self.closed_at,
            "escalation_level": claim.escalation_level,
            "satisfaction": claim.satisfaction,
            "surveyed_at": self.surveyed_at,
            "confirmed_at": self.confirmed_at,
            "followed_up_at": self.followed_up_at,
            "resolved_at": self.resolved_at,
            "version": self.version,
            "position": self.position,
        }


class ClaimsView(View):
    """Current state of every claim (``views.claims``), folded with the Claim aggregate."""

    name = "claims"
    tables = ("claims",)

    def __init__(
        self,
        mapper: Mapper[UUID],
        schema: str = VIEWS_SCHEMA,
        *,
        events_table: tuple[str, str] = EVENTS_TABLE,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        super().__init__(schema)
        self.mapper = mapper
        self.events_table = sql.Identifier(*events_table)
        self.cache_size = cache_size
        self._cache: OrderedDict[UUID, ClaimFold] = OrderedDict()

    @classmethod
    def for_ledger(cls, ledger: ClaimsLedger, schema: str = VIEWS_SCHEMA) -> ClaimsView:
        """The view reading the ledger's own events table (whatever its schema and name)."""
        recorder: Any = ledger.recorder
        events_table = (recorder.datastore.schema or "public", recorder.events_table_name)
        return cls(ledger.mapper, schema, events_table=events_table)

    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        try:
            folds = self._folds(cur, list(dict.fromkeys(e.claim_id for e in batch)))
            touched: dict[UUID, ClaimFold] = {}
            for envelope in batch:
                fold = folds.get(envelope.claim_id)
                if fold is not None and envelope.version <= fold.version:
                    continue  # already in the row: applying it again must change nothing
                if fold is None:
                    fold = ClaimFold.start(envelope)
                else:
                    fold.apply(envelope)
                folds[envelope.claim_id] = touched[envelope.claim_id] = fold
            rows = [fold.row() for fold in touched.values()]
            if rows:
                cur.executemany(self._upsert(tuple(rows[0])), rows)
        except BaseException:
            # A fold may be half-applied; only the rows are sure to be rolled back.
            self._cache.clear()
            raise
        for claim_id, fold in touched.items():
            self._remember(claim_id, fold)

    def _folds(self, cur: Cursor[Any], claim_ids: list[UUID]) -> dict[UUID, ClaimFold]:
        """Every touched claim that has a row, as of the row's version."""
        query = sql.SQL("SELECT claim_id, version FROM {} WHERE claim_id = ANY(%s)").format(
            self.table("claims")
        )
        with cur.connection.cursor(row_factory=tuple_row) as reader:
            versions: dict[UUID, int] = dict(reader.execute(query, (claim_ids,)).fetchall())
        folds: dict[UUID, ClaimFold] = {}
        for claim_id, version in versions.items():
            cached = self._cache.get(claim_id)
            if cached is not None and cached.version == version:
                folds[claim_id] = cached
        missed = {c: v for c, v in versions.items() if c not in folds}
        if missed:
            folds.update(self._replay(cur, missed))
        return folds

    def _replay(self, cur: Cursor[Any], versions: Mapping[UUID, int]) -> dict[UUID, ClaimFold]:
        """Folds the missed claims from their stored events, up to each row's version."""
        query = sql.SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state"
            " FROM {} AS e JOIN unnest(%s::uuid[], %s::bigint[]) AS t(claim_id, version)"
            " ON e.originator_id = t.claim_id AND e.originator_version <= t.version"
            " ORDER BY e.originator_id, e.originator_version"
        ).format(self.events_table)
        folds: dict[UUID, ClaimFold] = {}
        with cur.connection.cursor(row_factory=tuple_row) as reader:
            reader.execute(query, (list(versions), list(versions.values())))
            for position, claim_id, version, topic, state in reader:
                event = self.mapper.to_domain_event(
                    StoredEvent(claim_id, version, topic, bytes(state))
                )
                envelope = Envelope.wrap(position, event)
                if claim_id in folds:
                    folds[claim_id].apply(envelope)
                else:
                    folds[claim_id] = ClaimFold.start(envelope)
        return folds

    def _remember(self, claim_id: UUID, fold: ClaimFold) -> None:
        self._cache[claim_id] = fold
        self._cache.move_to_end(claim_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _upsert(self, names: tuple[str, ...]) -> sql.Composed:
        """Insert or update whole rows; a row never goes back to an older version."""
        columns = [sql.Identifier(c) for c in names]
        values = [sql.Placeholder(c) for c in names]
        updates = [sql.SQL("{0} = EXCLUDED.{0}").format(c) for c in columns[1:]]
        return sql.SQL(
            "INSERT INTO {} AS c ({}) VALUES ({}) ON CONFLICT (claim_id) DO UPDATE SET {}"
            " WHERE c.version < EXCLUDED.version"
        ).format(
            self.table("claims"),
            sql.SQL(", ").join(columns),
            sql.SQL(", ").join(values),
            sql.SQL(", ").join(updates),
        )


def _distinct(values: Iterable[str]) -> list[str]:
    """Non-empty values once each, in item order."""
    return [v for v in dict.fromkeys(values) if v]


def _names_of(items: Sequence[Item]) -> list[str]:
    """The display name of each distinct model code, in ``models`` order ('' for none)."""
    names: dict[str, str] = {}
    for item in items:
        if item.model and not names.get(item.model):
            names[item.model] = item.model_name
    return list(names.values())


def _replacements(state: ItemState) -> list[str]:
    """The item's replacement serials (shipments recorded before quantities carry one)."""
    return state.replacement_serial_nos or [state.replacement_serial_no]


def _value(member: Any) -> Any:
    return None if member is None else member.value
