"""A view for testing the runner: records every position it is given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Cursor, sql

from projections.engine.envelope import Envelope
from projections.engine.view import View


class RecordingView(View):
    """Inserts (view name, position) per event; applying an event twice breaks the key."""

    tables = ("applied_positions",)

    def __init__(self, name: str, schema: str = "views") -> None:
        super().__init__(schema)
        self.name = name  # type: ignore[misc]

    @staticmethod
    def create(cur: Cursor[Any], schema: str = "views") -> None:
        cur.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {}.applied_positions "
                "(view text, position bigint, PRIMARY KEY (view, position))"
            ).format(sql.Identifier(schema))
        )

    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        cur.executemany(
            sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(self.table("applied_positions")),
            [(self.name, e.position) for e in batch],
        )


def applied(cur: Cursor[Any], name: str) -> list[int]:
    rows = cur.execute(
        "SELECT position FROM views.applied_positions WHERE view = %s ORDER BY position", (name,)
    ).fetchall()
    return [r[0] for r in rows]
