"""Events the views could not apply, kept aside with their position and fault.

A stored event that cannot be decoded (its row was altered, or written by a broken
writer), or that a view refuses, would otherwise stop every view at its position:
the runner failed on it again at each restart. The runner records it here instead,
in the transaction that moves the view past it, and goes on. Readiness reports
"degraded" while any is recorded, ``/metrics`` counts them and ``sanbao verify``
names them. The table comes from ``migrations/0015.views-quarantine.sql``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg import Connection, Cursor, sql

from projections.engine.view import VIEWS_SCHEMA

QUARANTINE_TABLE = sql.SQL("{}.{}").format(
    sql.Identifier(VIEWS_SCHEMA), sql.Identifier("quarantined_events")
)
# The fault names the exception and its message (a decode error quotes the claim id and
# the event's topic, never a payload); long messages are cut.
MAX_FAULT_CHARS = 500
# Losing the connection is not a fault of the event: the runner reconnects and retries.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    OperationalError,
    InterfaceError,
)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DamagedEvent:
    """A stored event that could not be decoded, at its place in the batch."""

    position: int
    fault: str


@dataclass(frozen=True)
class QuarantinedEvent:
    """A recorded event a view stepped over: where, which view, and why."""

    position: int
    view: str
    fault: str
    quarantined_at: datetime

    def describe(self) -> str:
        return f"position {self.position} (view {self.view}): {self.fault}"


def describe_fault(error: BaseException) -> str:
    """``TypeError: …``: the class and message of the error and of its causes, cut short."""
    parts: list[str] = []
    cause: BaseException | None = error
    while cause is not None and len(parts) < 3:
        parts.append(f"{type(cause).__name__}: {cause}".strip().rstrip(":"))
        cause = cause.__cause__
    return " ← ".join(parts)[:MAX_FAULT_CHARS]


def quarantine(cur: Cursor[Any], position: int, view: str, fault: str) -> None:
    """Records that ``view`` steps over the event at ``position`` (once per view and event)."""
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (position, view_name, fault) VALUES (%s, %s, %s) "
            "ON CONFLICT (view_name, position) DO NOTHING"
        ).format(QUARANTINE_TABLE),
        (position, view, fault),
    )
    logger.warning("event quarantined: view %s, position %s: %s", view, position, fault)


def quarantined_events(conn: Connection[Any], limit: int = 100) -> list[QuarantinedEvent]:
    """The quarantined events, in ledger order (at most ``limit``)."""
    rows = conn.execute(
        sql.SQL(
            "SELECT position, view_name, fault, quarantined_at FROM {} "
            "ORDER BY position, view_name LIMIT %s"
        ).format(QUARANTINE_TABLE),
        (limit,),
    ).fetchall()
    return [QuarantinedEvent(*_values(row)) for row in rows]


def quarantined_count(conn: Connection[Any]) -> int:
    """How many (view, event) pairs are quarantined."""
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(QUARANTINE_TABLE)).fetchone()
    return int(_values(row)[0]) if row else 0


def rename(cur: Cursor[Any], old_view: str, new_view: str) -> None:
    """Hands a rebuilt view's records to its live name, replacing the old view's."""
    cur.execute(
        sql.SQL("DELETE FROM {} WHERE view_name = %s").format(QUARANTINE_TABLE), (new_view,)
    )
    cur.execute(
        sql.SQL("UPDATE {} SET view_name = %s WHERE view_name = %s").format(QUARANTINE_TABLE),
        (new_view, old_view),
    )


def _values(row: Any) -> tuple[Any, ...]:
    """A row's values, whether the connection gives tuples or dicts (the pool's)."""
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)
