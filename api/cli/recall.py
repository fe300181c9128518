"""``sanbao recall``: a batch's, supplier's or model's recall list as CSV, from the trace view."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.ledger_session import ledger_session
from api.cli.messages import t
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from projections.trace.recall_csv import recall_csv
from projections.trace.trace_queries import recall_list
from storage.recorder import datastore_of


def recall_command(
    batch: Annotated[str | None, typer.Option(help=t("recall.batch"))] = None,
    supplier: Annotated[str | None, typer.Option(help=t("recall.supplier"))] = None,
    model: Annotated[str | None, typer.Option(help=t("recall.model"))] = None,
) -> None:
    """Print a recall list as CSV (as GET /api/v1/trace/.../recall.csv): every affected unit
    and claim, replacement units under their own batch. Give exactly one of the options."""
    given = {k: v for k, v in {"batch": batch, "supplier": supplier, "model": model}.items() if v}
    if len(given) != 1:
        print(t("recall.exactly_one"), file=sys.stderr)
        raise typer.Exit(code=2)
    [(kind, key)] = given.items()
    with ledger_session() as ledger:
        with datastore_of(ledger).get_connection() as conn:
            units = recall_list(conn, kind, key)
        runner = ViewRunner(ledger, build_views(ledger, ["trace"]))
        behind = runner.head() - runner.positions()["trace"]
    if behind > 0:
        print(t("claim_list.behind", view="trace", behind=behind), file=sys.stderr)
    sys.stdout.write(recall_csv(units))
