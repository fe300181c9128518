"""``sanbao webhooks``: add, list and remove webhook subscriptions; read their deliveries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from api.cli.error_text import error_text
from api.cli.ledger_session import ledger_session
from api.cli.messages import t
from api.cli.operator import operator_user
from api.cli.terminal import console, errors
from api.cli.times import local, time_label
from api.roles import WEBHOOKS_MANAGE
from api.service.webhook_deliveries import webhook_store
from api.service.webhook_urls import check_webhook_url
from api.settings import get_settings
from domain.application import ClaimsLedger
from projections.feed.contract import public_types
from storage.webhooks import WebhookNotFoundError, WebhookStore

app = typer.Typer(help=t("webhooks.help"))


@contextmanager
def webhooks() -> Iterator[tuple[ClaimsLedger, WebhookStore]]:
    with ledger_session() as ledger:
        try:
            yield ledger, webhook_store(ledger, get_settings())
        except WebhookNotFoundError as error:
            errors.print(t("common.error_plain", message=error_text(error)), highlight=False)
            raise typer.Exit(code=1) from None


@app.command("add", help=t("webhooks.add_help"))
def add_webhook(
    url: Annotated[str, typer.Argument(help=t("webhooks.url"))],
    types: Annotated[list[str] | None, typer.Option("--types", help=t("webhooks.types"))] = None,
    after: Annotated[int | None, typer.Option(min=0, help=t("webhooks.after"))] = None,
) -> None:
    """Subscribe a URL to the public events; prints the signing secret (shown only once)."""
    with webhooks() as (ledger, store):
        user = operator_user(ledger, WEBHOOKS_MANAGE)
        wanted = public_types(name for given in types or [] for name in given.split(","))
        checked = check_webhook_url(url, get_settings().webhook_allow_private)
        head = ledger.recorder.max_notification_id() or 0
        if after is not None and after > head:
            raise typer.BadParameter(t("webhooks.beyond_head", after=after, head=head))
        start = head if after is None else after
        webhook, secret = store.create(checked, sorted(wanted), user.name, start)
    console.print(t("webhooks.created", id=webhook.id))
    print(secret)


@app.command("list", help=t("webhooks.list_help"))
def list_webhooks() -> None:
    """List the subscriptions and how their deliveries stand."""
    with webhooks() as (_, store):
        found = store.all()
    columns = ("id", "column_url", "column_types", "status", "position", "last_error")
    table = Table(*(t(f"webhooks.{column}") for column in (*columns, "created_by")))
    for w in found:
        types = ", ".join(w.types) or t("webhooks.all")
        table.add_row(
            str(w.id), w.url, types, w.status, str(w.position), w.last_error or "-", w.created_by
        )
    console.print(table)


@app.command("remove", help=t("webhooks.remove_help"))
def remove_webhook(
    webhook_id: Annotated[UUID, typer.Argument(help=t("webhooks.subscription"))],
) -> None:
    """Stop sending to a subscription (its delivery log is kept)."""
    with webhooks() as (ledger, store):
        operator_user(ledger, WEBHOOKS_MANAGE)
        store.delete(webhook_id)
    console.print(t("webhooks.removed", id=webhook_id))


@app.command("deliveries", help=t("webhooks.deliveries_help"))
def list_deliveries(
    webhook_id: Annotated[UUID, typer.Argument(help=t("webhooks.subscription"))],
    limit: Annotated[int, typer.Option(min=1, max=1000, help=t("webhooks.limit"))] = 20,
) -> None:
    """A subscription's delivery log, latest event first."""
    with webhooks() as (_, store):
        found = store.deliveries(webhook_id, limit)
    columns = ("position", "type", "status", "attempts", "answer", "last_error")
    table = Table(*(t(f"webhooks.{column}") for column in columns), time_label())
    for d in found:
        answer = str(d.response_status or "-")
        table.add_row(
            str(d.position), d.event_type, d.status, str(d.attempts), answer,
            d.last_error or "-", local(d.last_attempt_at),
        )  # fmt: skip
    console.print(table)
