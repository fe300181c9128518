"""Rebuilding a view from the whole log while the old one keeps serving.

The new tables are built in a shadow schema (same structure: ``LIKE … INCLUDING
ALL``) under their own tracking name. When they have caught up, one
transaction takes the view's lock (live runners wait), applies the last few
events, drops the old tables, moves the new ones into place and hands the
view its new position. Readers see the old view until that commit and the
complete new one after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg import Cursor, sql

from domain.application import ClaimsLedger
from projections.engine import quarantine
from projections.engine.runner import Progress, ViewRunner
from projections.engine.tracking import apply_events
from projections.engine.view import VIEWS_SCHEMA, View

SHADOW_SCHEMA = "views_rebuild"
REBUILD_SUFFIX = "#rebuild"
ViewFactory = Callable[[str], View]


def rebuild_view(
    ledger: ClaimsLedger,
    make_view: ViewFactory,
    progress: Progress | None = None,
    batch_size: int = 5000,
) -> int:
    """Rebuilds one view from position 0; returns the position it was swapped in at."""
    live = make_view(VIEWS_SCHEMA)
    shadow = make_view(SHADOW_SCHEMA)
    runner = ViewRunner(ledger, [shadow], batch_size=batch_size, tracking_suffix=REBUILD_SUFFIX)
    shadow_tracking = runner.tracking_name(shadow)
    with runner.recorder.datastore.transaction(commit=True) as cur:
        _create_shadow_tables(cur, live)
        runner.recorder.forget(cur, shadow_tracking)
    runner.catch_up(progress)
    return _swap(ledger, runner, live, shadow)


def _create_shadow_tables(cur: Cursor[Any], live: View) -> None:
    cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SHADOW_SCHEMA)))
    for table in live.tables:
        shadow = sql.SQL("{}.{}").format(sql.Identifier(SHADOW_SCHEMA), sql.Identifier(table))
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(shadow))
        cur.execute(
            sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(shadow, live.table(table))
        )
        # LIKE copies columns, defaults, constraints and indexes, not storage options
        # such as fillfactor: carry those over too.
        row = cur.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass",
            (f"{VIEWS_SCHEMA}.{table}",),
        ).fetchone()
        if row and row["reloptions"]:
            options = sql.SQL(", ").join(sql.SQL(option) for option in row["reloptions"])
            cur.execute(sql.SQL("ALTER TABLE {} SET ({})").format(shadow, options))


def _index_names(cur: Cursor[Any], schema: str, table: str) -> dict[str, str]:
    """Index definition (with its own name and schema blanked out) → index name."""
    rows = cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
        (schema, table),
    ).fetchall()
    return {
        row["indexdef"].replace(f"INDEX {row['indexname']} ON {schema}.", "INDEX ON "): row[
            "indexname"
        ]
        for row in rows
    }


def _keep_index_names(cur: Cursor[Any], table: str, old_names: dict[str, str]) -> None:
    """Gives the swapped-in indexes the names the migrations gave the old ones."""
    for definition, generated in _index_names(cur, VIEWS_SCHEMA, table).items():
        wanted = old_names.get(definition)
        if wanted and wanted != generated:
            cur.execute(
                sql.SQL("ALTER INDEX {}.{} RENAME TO {}").format(
                    sql.Identifier(VIEWS_SCHEMA), sql.Identifier(generated), sql.Identifier(wanted)
                )
            )


def _swap(ledger: ClaimsLedger, runner: ViewRunner, live: View, shadow: View) -> int:
    recorder = runner.recorder
    shadow_tracking = runner.tracking_name(shadow)
    with recorder.datastore.transaction(commit=True) as cur:
        recorder.lock_view(cur, live.name)
        position = recorder._max_tracking_id(shadow_tracking, cur) or 0
        # Events committed since the catch-up finished: apply them here, under the lock.
        while tail := runner.read_batch(position):
            apply_events(cur, shadow, shadow_tracking, tail, isolate=True)
            position = tail[-1].position
        shadow.keep_from(cur, live)
        for table in live.tables:
            old_names = _index_names(cur, VIEWS_SCHEMA, table)
            cur.execute(sql.SQL("DROP TABLE {}").format(live.table(table)))
            cur.execute(
                sql.SQL("ALTER TABLE {} SET SCHEMA {}").format(
                    shadow.table(table), sql.Identifier(VIEWS_SCHEMA)
                )
            )
            _keep_index_names(cur, table, old_names)
        recorder.set_position(cur, live.name, position)
        recorder.forget(cur, shadow_tracking)
        quarantine.rename(cur, shadow_tracking, live.name)  # the rebuild tried them again
    return position
