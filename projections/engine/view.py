"""The contract every read model follows: a named view that applies event batches.

A view owns its tables (in the ``views`` schema, created by ``migrations/``)
and the SQL that writes them. The runner hands it batches of events in ledger
order inside the transaction that also records the view's tracking position,
so each event changes the view exactly once. Handlers are named after the
events they apply (``on_reported``, ``on_repaired`` …).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, ClassVar

from psycopg import Cursor, sql

from projections.engine.envelope import Envelope

VIEWS_SCHEMA = "views"


@cache
def handler_name(event_type: str) -> str:
    """``ReplacementShipped`` → ``on_replacement_shipped`` (cached: called once per event)."""
    return "on_" + re.sub(r"(?<!^)(?=[A-Z])", "_", event_type).lower()


class View(ABC):
    """A read model kept in PostgreSQL tables, updated from claim events."""

    name: ClassVar[str]
    """Tracking name and the name users know the view by (``claims``, ``audit`` …)."""
    tables: ClassVar[tuple[str, ...]]
    """The tables the view owns; a rebuild recreates exactly these."""

    def __init__(self, schema: str = VIEWS_SCHEMA) -> None:
        self.schema = schema

    def table(self, name: str) -> sql.Composed:
        """The schema-qualified identifier of one of the view's tables."""
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(name))

    def handler(self, event_type: str) -> Callable[[Envelope], None] | None:
        found: Callable[[Envelope], None] | None = getattr(self, handler_name(event_type), None)
        return found

    def keep_from(self, cur: Cursor[Any], old: View) -> None:
        """Copies state that events do not carry from the old tables during a rebuild.

        Most views are pure functions of the log and keep nothing (the default).
        """
        return None

    @abstractmethod
    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        """Applies a batch of events, in ledger order, within the caller's transaction."""
