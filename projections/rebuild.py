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
from projections.envelope import Envelope
from projections.runner import Progress, ViewRunner
from projections.view import VIEWS_SCHEMA, View

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


def _swap(ledger: ClaimsLedger, runner: ViewRunner, live: View, shadow: View) -> int:
    recorder = runner.recorder
    shadow_tracking = runner.tracking_name(shadow)
    with recorder.datastore.transaction(commit=True) as cur:
        recorder.lock_view(cur, live.name)
        position = recorder._max_tracking_id(shadow_tracking, cur) or 0
        # Events committed since the catch-up finished: apply them here, under the lock.
        while tail := ledger.recorder.select_notifications(
            start=position, limit=runner.batch_size, inclusive_of_start=False
        ):
            shadow.apply(cur, [Envelope.wrap(n.id, ledger.mapper.to_domain_event(n)) for n in tail])
            position = tail[-1].id
        for table in live.tables:
            cur.execute(sql.SQL("DROP TABLE {}").format(live.table(table)))
            cur.execute(
                sql.SQL("ALTER TABLE {} SET SCHEMA {}").format(
                    shadow.table(table), sql.Identifier(VIEWS_SCHEMA)
                )
            )
        recorder.set_position(cur, live.name, position)
        recorder.forget(cur, shadow_tracking)
    return position
