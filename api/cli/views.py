"""``sanbao projections``: run, inspect and rebuild the read models."""

from __future__ import annotations

import signal
import time
from typing import Annotated

import typer
from rich.table import Table

from api.cli.messages import t
from api.cli.progress import event_progress
from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.settings import get_settings
from projections.engine.rebuild import rebuild_view
from projections.engine.registry import build_views, view_factories
from projections.engine.runner import ViewRunner

app = typer.Typer(help=t("projections.help"))
OnlyOption = Annotated[list[str] | None, typer.Option("--only", help=t("projections.only"))]


@app.command("run", help=t("projections.run_help"))
def run_projections(only: OnlyOption = None) -> None:
    """Keep the views up to date in this process (for scale-out next to API workers)."""
    ledger, database = open_ledger(get_settings())
    runner = ViewRunner(ledger, build_views(ledger, only))
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    views = ", ".join(v.name for v in runner.views)
    console.print(t("projections.projecting", views=views, database=database.describe()))
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        runner.stop()
    finally:
        ledger.close()


@app.command("status", help=t("projections.status_help"))
def projections_status() -> None:
    """Show each view's position, the head of the log and the lag."""
    ledger, _ = open_ledger(get_settings())
    try:
        runner = ViewRunner(ledger, build_views(ledger))
        head = runner.head()
        table = Table(title=t("projections.title"))
        for column in ("view", "position", "head", "lag"):
            table.add_column(t(f"projections.{column}"))
        for name, position in runner.positions().items():
            table.add_row(name, str(position), str(head), str(head - position))
        console.print(table)
    finally:
        ledger.close()


@app.command("rebuild", help=t("projections.rebuild_help"))
def rebuild_projections(
    names: Annotated[list[str] | None, typer.Argument(help=t("projections.names"))] = None,
) -> None:
    """Rebuild views from the whole log; the old view serves until the new one is complete."""
    ledger, _ = open_ledger(get_settings())
    try:
        factories = view_factories(ledger)
        for name in names or list(factories):
            if name not in factories:
                known = ", ".join(factories)
                raise typer.BadParameter(t("projections.unknown_view", name=name, known=known))
            head = ledger.recorder.max_notification_id() or 0
            started = time.perf_counter()
            with event_progress(console, t("projections.rebuilding", name=name), head) as progress:
                position = rebuild_view(ledger, factories[name], progress)
            rate = position / (time.perf_counter() - started)
            console.print(t("projections.rebuilt", name=name, position=position, rate=rate))
    finally:
        ledger.close()
