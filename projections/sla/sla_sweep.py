"""The breach sweep: SLA runs that pass their due time are breached with no new event.

A periodic ``sweep`` finds open runs past their due time that it has not recorded
yet, and runs that stopped after their due time before any sweep saw them open,
confirms each against the ledger (the view may lag behind a stop event),
records the breach, and then escalates the claim with ``Escalated(reason=overdue,
clock_run="repair#2")``, once per run, if the claim is still open (a run of an
ended claim is recorded ``claim_ended`` without a command). The steps are ordered
so a crash between any two of them neither loses nor repeats an escalation:

1. recording sets ``breach_recorded_at`` and marks the escalation ``pending`` and
   commits, before anything is sent to the ledger;
2. every ``pending`` run (this sweep's, or one a crashed sweep left) is escalated
   through the ledger, then marked with the outcome. A crash after the ledger's
   commit leaves it ``pending``; the retry is refused by the aggregate with
   ``AlreadyEscalatedError``, which counts as done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

import psycopg
from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection, sql
from psycopg.pq import TransactionStatus
from psycopg.rows import tuple_row

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import AlreadyEscalatedError, ConcurrencyConflictError, LifecycleError
from domain.sla import TERMINAL_EVENTS, SlaEvent, compute_clocks
from domain.values import Actor
from domain.vocabulary import EscalationReason, Role
from projections.engine.view import VIEWS_SCHEMA
from storage.recorder import datastore_of

SWEEP_ACTOR = Actor("sla-sweep", Role.SYSTEM)
ENDINGS = TERMINAL_EVENTS | {"Reopened"}
logger = logging.getLogger(__name__)


class RunKey(NamedTuple):
    """One run of one clock on one claim."""

    claim_id: UUID
    clock: str
    run: int

    @property
    def clock_run(self) -> str:
        return f"{self.clock}#{self.run}"


@dataclass
class SweepResult:
    """What one sweep did, run by run."""

    recorded: list[RunKey] = field(default_factory=list)
    unconfirmed: list[RunKey] = field(default_factory=list)  # the ledger says not breached
    escalated: list[RunKey] = field(default_factory=list)
    already_escalated: list[RunKey] = field(default_factory=list)
    claim_ended: list[RunKey] = field(default_factory=list)  # the claim refused: it ended
    deferred: list[RunKey] = field(default_factory=list)  # a concurrent write; next sweep


def sweep(
    ledger: ClaimsLedger,
    source: Connection[Any] | PostgresDatastore,
    now: datetime,
    escalate: bool = True,
    schema: str = VIEWS_SCHEMA,
) -> SweepResult:
    """Records the breaches due before ``now`` and (when ``escalate``) escalates each once.

    ``source`` is the ledger's datastore or a connection outside any transaction:
    each step runs in a transaction of its own, committed before the next begins.
    Escalations left pending by a crashed sweep are finished too.
    """
    result = SweepResult()
    with _connection(source) as conn:
        table = sql.Identifier(schema, "sla_clocks")
        candidates = _candidates(conn, table, now)
        breached, ended = _confirm(ledger, candidates, now)
        confirmed = [key for key in candidates if key in breached]
        result.unconfirmed = [key for key in candidates if key not in breached]
        status = "pending" if escalate else "off"
        open_runs = [key for key in confirmed if key.claim_id not in ended]
        ended_runs = [key for key in confirmed if key.claim_id in ended]
        result.recorded = _record(conn, table, open_runs, now, status)
        late = _record(conn, table, ended_runs, now, "claim_ended" if escalate else "off")
        result.recorded += late
        if escalate:
            result.claim_ended += late
        if escalate:
            _escalate_pending(ledger, conn, table, result)
    return result


def run_sweeper(
    ledger: ClaimsLedger,
    interval_seconds: float,
    stop_event: threading.Event,
    escalate: bool = True,
) -> None:
    """Sweeps every ``interval_seconds`` until ``stop_event`` is set; survives outages."""
    datastore = datastore_of(ledger)
    while not stop_event.is_set():
        try:
            result = sweep(ledger, datastore, ledger.clock(), escalate)
        except (psycopg.Error, PersistenceError):
            logger.warning("SLA sweep failed; retrying in %s s", interval_seconds, exc_info=True)
        else:
            if result.recorded or result.escalated:
                logger.info(
                    "SLA sweep: %d breaches recorded, %d escalated",
                    len(result.recorded),
                    len(result.escalated),
                )
        stop_event.wait(interval_seconds)


@contextmanager
def _connection(source: Connection[Any] | PostgresDatastore) -> Iterator[Connection[Any]]:
    if isinstance(source, PostgresDatastore):
        with source.get_connection() as conn:  # autocommit, from the ledger's pool
            yield conn
        return
    if source.info.transaction_status != TransactionStatus.IDLE:
        # Inside the caller's transaction nothing would commit step by step.
        raise ValueError("sweep needs a connection that is not inside a transaction")
    yield source


def _candidates(conn: Connection[Any], table: sql.Identifier, now: datetime) -> list[RunKey]:
    """Unrecorded breaches: open runs past their due time (while counting), late-stopped runs."""
    query = sql.SQL(
        "SELECT claim_id, clock, run FROM {} WHERE breach_recorded_at IS NULL"
        " AND ((stopped_at IS NULL AND due_at < %s"
        " AND (paused_since IS NULL OR due_at < paused_since)) OR stopped_at > due_at)"
        " ORDER BY due_at"
    ).format(table)
    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        return [RunKey(*row) for row in cur.execute(query, (now,))]


def _confirm(
    ledger: ClaimsLedger, candidates: list[RunKey], now: datetime
) -> tuple[set[RunKey], set[UUID]]:
    """The runs the ledger itself shows breached at ``now``, and the claims that ended.

    The view may lag behind the ledger (a stop or a pause not applied yet); one
    history read per claim with a candidate keeps a stale row from escalating.
    """
    breached: set[RunKey] = set()
    ended: set[UUID] = set()
    for claim_id in dict.fromkeys(key.claim_id for key in candidates):
        history = ledger.history(claim_id)
        events = [SlaEvent(entry.event_type, entry.occurred_at) for entry in history]
        kind = history[0].data["kind"]
        for run in compute_clocks(events, kind, ledger.calendar, now, ledger.sla_targets):
            if run.state == "breached":
                breached.add(RunKey(claim_id, run.clock, run.run))
        endings = [e.event_type for e in history if e.event_type in ENDINGS]
        if endings and endings[-1] != "Reopened":
            ended.add(claim_id)
    return breached, ended


def _record(
    conn: Connection[Any], table: sql.Identifier, keys: list[RunKey], now: datetime, status: str
) -> list[RunKey]:
    """Marks the runs breached; returns those this sweep recorded (not a concurrent one)."""
    if not keys:
        return []
    query = sql.SQL(
        "UPDATE {} AS c SET breach_recorded_at = %s, escalation = %s"
        " FROM unnest(%s::uuid[], %s::text[], %s::int[]) AS k(claim_id, clock, run)"
        " WHERE (c.claim_id, c.clock, c.run) = (k.claim_id, k.clock, k.run)"
        " AND c.breach_recorded_at IS NULL RETURNING c.claim_id, c.clock, c.run"
    ).format(table)
    columns = [list(column) for column in zip(*keys, strict=True)]
    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        return [RunKey(*row) for row in cur.execute(query, (now, status, *columns))]


def _escalate_pending(
    ledger: ClaimsLedger, conn: Connection[Any], table: sql.Identifier, result: SweepResult
) -> None:
    """Escalates every pending run once; a concurrent sweep skips the rows locked here."""
    pending = sql.SQL(
        "SELECT claim_id, clock, run, due_at FROM {} WHERE escalation = 'pending'"
        " ORDER BY due_at FOR UPDATE SKIP LOCKED"
    ).format(table)
    mark = sql.SQL(
        "UPDATE {} SET escalation = %s WHERE (claim_id, clock, run) = (%s, %s, %s)"
    ).format(table)
    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        for *key_fields, due_at in cur.execute(pending).fetchall():
            key = RunKey(*key_fields)
            outcome = _escalate(ledger, key, due_at)
            getattr(result, outcome).append(key)
            if outcome != "deferred":
                cur.execute(mark, (outcome, *key))


def _escalate(ledger: ClaimsLedger, key: RunKey, due_at: datetime) -> str:
    """Escalates the claim for one breached run; returns the outcome's name."""
    note = f"SLA {key.clock_run} was due {due_at.astimezone(ledger.calendar.tz):%Y-%m-%d %H:%M}"
    try:
        ledger.command(
            Claim.escalate,
            key.claim_id,
            SWEEP_ACTOR,
            reason=EscalationReason.OVERDUE,
            note=note,
            clock_run=key.clock_run,
        )
    except AlreadyEscalatedError:
        return "already_escalated"  # done before, by a sweep that crashed before marking it
    except ConcurrencyConflictError:
        return "deferred"
    except LifecycleError:
        return "claim_ended"  # closed, rejected or withdrawn: nothing left to escalate
    return "escalated"
