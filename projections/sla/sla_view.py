"""The SLA view: every run of every SLA clock of every claim (``views.sla_clocks``).

Clock logic is the domain's ``compute_clocks``; this view only keeps, per claim,
the events the clocks are computed from (``views.sla_claims``) and recomputes the
claim's runs when a batch brings it new ones. A batch costs one SELECT for the
claims it touches and two upserts of unnested arrays, never a query per event.

Stored rows depend on the events alone, never on the wall clock or on where a
batch happened to end: judgements as of a moment (met, breached, due soon) are
made by ``projections.sla.sla_queries``. For a paused run that means ``due_at``
leaves out the ongoing pause, since its length is only known at query time.
The board's counts (``views.sla_board_counts``) are recounted for the claims a
batch touches, before and after their rows are rewritten (``sla_board_counts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor, sql
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb

from domain.calendar import BusinessCalendar
from domain.sla import (
    DEFAULT_CLOCKS,
    PAUSED,
    RESUMED,
    TERMINAL_EVENTS,
    SlaEvent,
    SlaTargets,
    compute_clocks,
)
from domain.vocabulary import ClaimKind
from projections.engine.envelope import Envelope
from projections.engine.view import VIEWS_SCHEMA, View, handler_name
from projections.sla import sla_board_counts as board_counts

# Events that change the claim's row but are not clock events in themselves.
CLAIM_EVENTS = frozenset({"Reported", "Assigned", "Escalated", "Reopened"}) | TERMINAL_EVENTS
CLAIM_COLUMNS = (
    ("claim_id", "uuid"), ("claim_number", "text"), ("kind", "text"), ("team", "text"),
    ("assignee", "text"), ("ended_at", "timestamptz"), ("version", "int"),
    ("events", "jsonb"), ("escalations", "jsonb"), ("assignments", "jsonb"),
)  # fmt: skip
CLOCK_COLUMNS = (
    ("claim_id", "uuid"), ("clock", "text"), ("run", "int"), ("started_at", "timestamptz"),
    ("due_at", "timestamptz"), ("paused_total", "interval"), ("paused_since", "timestamptz"),
    ("stopped_at", "timestamptz"), ("stopped_by", "text"), ("escalated_at", "timestamptz"),
    ("due_team", "text"), ("due_assignee", "text"),
)  # fmt: skip


@dataclass(frozen=True)
class Assignment:
    """The claim was assigned to ``team`` / ``assignee`` at business time ``at``."""

    at: datetime
    team: str | None
    assignee: str | None


@dataclass
class SlaFold:
    """One claim as the SLA view keeps it, while a batch folds events into it."""

    claim_id: UUID
    claim_number: str
    kind: ClaimKind
    team: str | None = None
    assignee: str | None = None
    ended_at: datetime | None = None
    version: int = 0
    events: list[SlaEvent] = field(default_factory=list)
    escalations: dict[str, datetime] = field(default_factory=dict)
    # Every assignment in ledger order: a run's breach counts for whoever held the
    # claim at its due time, not for whoever holds it now.
    assignments: list[Assignment] = field(default_factory=list)
    runs_changed: bool = False

    @classmethod
    def start(cls, reported: Envelope) -> SlaFold:
        if reported.event_type != "Reported":
            # The view lost the claim's first event: only a rebuild can repair it.
            raise LookupError(f"SLA view has no claim {reported.claim_id}; rebuild the view")
        data = reported.data
        return cls(reported.claim_id, data["claim_number"], ClaimKind(data["kind"]))

    @classmethod
    def restore(cls, claim_id: UUID, number: str, kind: str, *row: Any) -> SlaFold:
        """A fold from its ``sla_claims`` row (columns in ``CLAIM_COLUMNS`` order)."""
        team, assignee, ended_at, version, events, escalations, assignments = row
        return cls(
            claim_id,
            number,
            ClaimKind(kind),
            team,
            assignee,
            ended_at,
            version,
            [SlaEvent(name, datetime.fromisoformat(at)) for name, at in events],
            {run: datetime.fromisoformat(at) for run, at in escalations.items()},
            [Assignment(datetime.fromisoformat(at), t, a) for at, t, a in assignments],
        )

    def row(self) -> tuple[Any, ...]:
        events = [[e.name, e.occurred_at.isoformat()] for e in self.events]
        escalations = {run: at.isoformat() for run, at in self.escalations.items()}
        return (
            self.claim_id,
            self.claim_number,
            self.kind.value,
            self.team,
            self.assignee,
            self.ended_at,
            self.version,
            Jsonb(events),
            Jsonb(escalations),
            Jsonb([[a.at.isoformat(), a.team, a.assignee] for a in self.assignments]),
        )

    def owner_at(self, moment: datetime) -> Assignment | None:
        """The assignment in force at ``moment`` (None while nobody was assigned)."""
        held = [a for a in self.assignments if a.at <= moment]
        return held[-1] if held else None

    def apply(self, envelope: Envelope, is_clock_event: bool) -> None:
        """Folds one event in: as a clock event if the clocks use it, then its handler."""
        self.version = envelope.version
        if is_clock_event:
            self.events.append(SlaEvent(envelope.event_type, envelope.occurred_at))
            self.runs_changed = True
        handler = getattr(self, handler_name(envelope.event_type), None)
        if handler is not None:
            handler(envelope)

    def on_assigned(self, envelope: Envelope) -> None:
        team = envelope.data["team"]
        self.team, self.assignee = getattr(team, "value", team), envelope.data["assignee"]
        self.assignments.append(Assignment(envelope.occurred_at, self.team, self.assignee))
        self.runs_changed = True  # the runs' owners at their due times may change

    def on_escalated(self, envelope: Envelope) -> None:
        clock_run = envelope.data.get("clock_run")  # older Escalated events have none
        if clock_run and clock_run not in self.escalations:
            self.escalations[clock_run] = envelope.occurred_at
            self.runs_changed = True

    def on_closed(self, envelope: Envelope) -> None:
        self.ended_at = envelope.occurred_at

    on_rejected = on_withdrawn = on_closed

    def on_reopened(self, envelope: Envelope) -> None:
        self.ended_at = None


class SlaView(View):
    """SLA clock runs per claim, recomputed from each claim's clock events."""

    name = "sla"
    tables = ("sla_claims", "sla_clocks", board_counts.TABLE)

    def __init__(
        self,
        calendar: BusinessCalendar,
        targets: SlaTargets = DEFAULT_CLOCKS,
        schema: str = VIEWS_SCHEMA,
    ) -> None:
        super().__init__(schema)
        self.calendar = calendar
        self.targets = targets
        starts_and_stops = {name for clock in targets for name in clock.starts | clock.stops}
        self.clock_events = frozenset(starts_and_stops) | {PAUSED, RESUMED} | TERMINAL_EVENTS
        self.wanted = self.clock_events | CLAIM_EVENTS

    def keep_from(self, cur: Cursor[Any], old: View) -> None:
        """Keeps the sweep's records (breach time, escalation outcome) across a rebuild."""
        cur.execute(
            sql.SQL(
                "UPDATE {new} AS n SET breach_recorded_at = o.breach_recorded_at, "
                "escalation = o.escalation FROM {old} AS o "
                "WHERE n.claim_id = o.claim_id AND n.clock = o.clock AND n.run = o.run "
                "AND o.breach_recorded_at IS NOT NULL"
            ).format(new=self.table("sla_clocks"), old=old.table("sla_clocks"))
        )

    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        wanted = [e for e in batch if e.event_type in self.wanted]
        if not wanted:
            return
        folds = self._load(cur, list(dict.fromkeys(e.claim_id for e in wanted)))
        touched: dict[UUID, SlaFold] = {}
        for envelope in wanted:
            fold = folds.get(envelope.claim_id)
            if fold is None:
                fold = folds[envelope.claim_id] = SlaFold.start(envelope)
            elif envelope.version <= fold.version:
                continue  # already folded in: applying it again must change nothing
            fold.apply(envelope, envelope.event_type in self.clock_events)
            touched[envelope.claim_id] = fold
        claim_rows = [fold.row() for fold in touched.values()]
        clock_rows = [r for f in touched.values() if f.runs_changed for r in self._runs(f)]
        claim_ids = list(touched)
        board_counts.take_away(cur, self, claim_ids)
        self._upsert(cur, "sla_claims", CLAIM_COLUMNS, 1, claim_rows)
        self._upsert(cur, "sla_clocks", CLOCK_COLUMNS, 3, clock_rows)
        board_counts.add(cur, self, claim_ids)

    def _load(self, cur: Cursor[Any], claim_ids: list[UUID]) -> dict[UUID, SlaFold]:
        query = sql.SQL("SELECT {} FROM {} WHERE claim_id = ANY(%s)").format(
            sql.SQL(", ").join(sql.Identifier(c) for c, _ in CLAIM_COLUMNS),
            self.table("sla_claims"),
        )
        with cur.connection.cursor(row_factory=tuple_row) as reader:
            rows = reader.execute(query, (claim_ids,)).fetchall()
        return {row[0]: SlaFold.restore(*row) for row in rows}

    def _runs(self, fold: SlaFold) -> list[tuple[Any, ...]]:
        """The claim's ``sla_clocks`` rows, in ``CLOCK_COLUMNS`` order."""
        if not fold.events:
            return []
        # Judged as of a moment no later than any event, an ongoing pause has lasted
        # zero: the rows then depend on the events only, not on when they were computed.
        start = min(event.occurred_at for event in fold.events)
        runs = compute_clocks(fold.events, fold.kind, self.calendar, start, self.targets)
        owners = [fold.owner_at(r.due_at) for r in runs]
        return [
            (
                fold.claim_id,
                r.clock,
                r.run,
                r.started_at,
                r.due_at,
                r.paused_total,
                r.paused_since,
                r.stopped_at,
                r.stopped_by,
                fold.escalations.get(f"{r.clock}#{r.run}"),
                owner.team if owner else None,
                owner.assignee if owner else None,
            )
            for r, owner in zip(runs, owners, strict=True)
        ]

    def _upsert(
        self,
        cur: Cursor[Any],
        table: str,
        columns: tuple[tuple[str, str], ...],
        key_length: int,
        rows: list[tuple[Any, ...]],
    ) -> None:
        """Writes ``rows`` in one statement: one binary array per column, unnested.

        The first ``key_length`` columns are the primary key. A row whose values did
        not change is left alone, and columns not listed (the sweep's) are kept.
        """
        if not rows:
            return
        names = [sql.Identifier(name) for name, _ in columns]
        values = names[key_length:]
        statement = sql.SQL(
            "INSERT INTO {table} AS t ({names}) SELECT * FROM unnest({arrays})"
            " ON CONFLICT ({key}) DO UPDATE SET {sets}"
            " WHERE ({current}) IS DISTINCT FROM ({excluded})"
        ).format(
            table=self.table(table),
            names=sql.SQL(", ").join(names),
            # Binary parameters: text arrays would be escaped value by value in Python.
            arrays=sql.SQL(", ").join(sql.SQL("%b::" + kind + "[]") for _, kind in columns),
            key=sql.SQL(", ").join(names[:key_length]),
            sets=sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(n) for n in values),
            current=sql.SQL(", ").join(sql.SQL("t.{}").format(n) for n in values),
            excluded=sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(n) for n in values),
        )
        cur.execute(statement, [list(column) for column in zip(*rows, strict=True)])
