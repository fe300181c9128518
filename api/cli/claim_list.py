"""``sanbao claim list``: the claims view with the API's filters, as a table or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, time
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.ledger_session import ledger_session
from api.cli.messages import label, t
from api.cli.terminal import console, errors
from api.cli.times import local, local_or_dash, time_label
from domain.claim import BUSINESS_TZ, ClaimStatus
from domain.vocabulary import ClaimKind, Priority, ProblemCategory
from projections.claims.claims_queries import MAX_LIMIT, ClaimFilters, ClaimRow, list_claims
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from storage.recorder import datastore_of

DAY = typer.Option(formats=["%Y-%m-%d"], help=t("time.day"))


def business_midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), BUSINESS_TZ)


def in_business_time(value: Any) -> Any:
    """JSON for one field: datetimes in RFC 3339 with the business offset, UUIDs as text."""
    if isinstance(value, datetime):
        return value.astimezone(BUSINESS_TZ).isoformat()
    return value if isinstance(value, (str, int, float, bool, list, type(None))) else str(value)


def row_json(row: ClaimRow) -> dict[str, Any]:
    return {name: in_business_time(value) for name, value in asdict(row).items()}


def rows_table(rows: list[ClaimRow]) -> Table:
    table = Table(title=t("claim_list.title", count=len(rows), time_label=time_label()))
    columns = ("claim", "column_status", "column_kind", "models", "column_region")
    for column in (*columns, "column_assignee", "created", "sla_due"):
        table.add_column(t(f"claim_list.{column}"))
    for row in rows:
        due = local_or_dash(row.sla_due_at)
        table.add_row(
            row.claim_number,
            label("status", row.status),
            label("kind", row.kind),
            ", ".join(row.models),
            row.region or "-",
            row.assignee or "-",
            local(row.created_at),
            t("common.overdue", due=due) if row.overdue else due,
        )
    return table


def list_claims_command(
    status: Annotated[ClaimStatus | None, typer.Option(help=t("claim_list.status"))] = None,
    kind: Annotated[ClaimKind | None, typer.Option(help=t("claim_list.kind"))] = None,
    category: Annotated[str | None, typer.Option(help=t("claim_list.category"))] = None,
    problem_category: Annotated[
        ProblemCategory | None, typer.Option(help=t("claim_list.problem_category"))
    ] = None,
    priority: Annotated[Priority | None, typer.Option(help=t("claim_list.priority"))] = None,
    assignee: Annotated[str | None, typer.Option(help=t("claim_list.assignee"))] = None,
    region: Annotated[str | None, typer.Option(help=t("claim_list.region"))] = None,
    model: Annotated[str | None, typer.Option(help=t("claim_list.model"))] = None,
    serial: Annotated[str | None, typer.Option(help=t("claim_list.serial"))] = None,
    overdue: Annotated[
        bool | None, typer.Option("--overdue/--on-time", help=t("claim_list.overdue"))
    ] = None,
    created_from: Annotated[datetime | None, DAY] = None,
    created_to: Annotated[datetime | None, DAY] = None,
    text: Annotated[str | None, typer.Option(help=t("claim_list.text"))] = None,
    limit: Annotated[int, typer.Option(min=1, max=MAX_LIMIT, help=t("claim_list.limit"))] = 50,
    as_json: Annotated[bool, typer.Option("--json", help=t("claim_list.json"))] = False,
) -> None:
    """List claims, newest first, with the filters of GET /api/v1/claims (help: claim_list.help)."""
    filters = ClaimFilters(
        status=status.value if status else None,
        kind=kind.value if kind else None,
        category=category,
        problem_category=problem_category.value if problem_category else None,
        priority=priority.value if priority else None,
        assignee=assignee,
        region=region,
        model=model,
        serial_no=serial,
        overdue=overdue,
        created_from=business_midnight(created_from.date() if created_from else None),
        created_to=business_midnight(created_to.date() if created_to else None),
        text=text,
    )
    with ledger_session() as ledger:
        with datastore_of(ledger).get_connection() as conn:
            rows = list_claims(conn, filters, None, limit).rows
        runner = ViewRunner(ledger, build_views(ledger, ["claims"]))
        behind = runner.head() - runner.positions()["claims"]
    if behind > 0:
        errors.print(t("claim_list.behind", view="claims", behind=behind), highlight=False)
    if as_json:
        print(json.dumps([row_json(row) for row in rows], ensure_ascii=False, indent=2))
    else:
        console.print(rows_table(rows))
