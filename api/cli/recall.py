"""``sanbao recall``: a batch's, supplier's or model's recall list as CSV, from the trace view."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.ledger_session import ledger_session
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from projections.trace.recall_csv import recall_csv
from projections.trace.trace_queries import recall_list
from storage.recorder import datastore_of


def recall_command(
    batch: Annotated[str | None, typer.Option(help="a production batch")] = None,
    supplier: Annotated[str | None, typer.Option(help="a supplier")] = None,
    model: Annotated[str | None, typer.Option(help="a model code")] = None,
) -> None:
    """Print a recall list as CSV (as GET /api/v1/trace/.../recall.csv): every affected unit
    and claim, replacement units under their own batch. Give exactly one of the options."""
    given = {k: v for k, v in {"batch": batch, "supplier": supplier, "model": model}.items() if v}
    if len(given) != 1:
        print("give exactly one of --batch, --supplier, --model / 请只指定一项", file=sys.stderr)
        raise typer.Exit(code=2)
    [(kind, key)] = given.items()
    with ledger_session() as ledger:
        with datastore_of(ledger).get_connection() as conn:
            units = recall_list(conn, kind, key)
        runner = ViewRunner(ledger, build_views(ledger, ["trace"]))
        behind = runner.head() - runner.positions()["trace"]
    if behind > 0:
        print(
            f"note: the trace view is {behind:,} events behind the ledger; they show once the "
            f"views run (sanbao serve or sanbao background) / 追溯视图落后账本 {behind:,} 个事件",
            file=sys.stderr,
        )
    sys.stdout.write(recall_csv(units))
