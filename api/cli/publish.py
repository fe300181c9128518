"""``sanbao publish nats``: send the public events to a NATS JetStream stream."""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import Annotated

import nats.errors
import typer

from api.cli.messages import t
from api.cli.terminal import console, errors
from api.service.bootstrap import open_ledger
from api.service.nats_publisher import NatsPublisher, NatsTarget
from api.settings import get_settings

app = typer.Typer(help=t("publish.help"))


@app.command("nats", help=t("publish.nats_help"))
def publish_nats(
    url: Annotated[
        str | None,
        typer.Option(help=t("publish.url")),
    ] = None,
    stream: Annotated[str | None, typer.Option(help=t("publish.stream"))] = None,
    subject_prefix: Annotated[
        str | None,
        typer.Option(help=t("publish.subject_prefix")),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help=t("publish.once"))] = False,
) -> None:
    """Publish every public event to JetStream once, in ledger order, then follow the ledger
    (the background process does this itself when SANBAO_NATS_URL is set)."""
    settings = get_settings()
    server = url or settings.nats_url
    if not server:
        errors.print(t("common.error_plain", message=t("publish.no_url")), highlight=False)
        raise typer.Exit(code=2)
    target = NatsTarget(
        server, stream or settings.nats_stream, subject_prefix or settings.nats_subject_prefix
    )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    ledger, database = open_ledger(settings)
    try:
        where = {"database": database.describe(), "server": server, "stream": target.stream}
        console.print(t("publish.publishing", **where))
        published = asyncio.run(NatsPublisher(ledger, target).run(stopping, once=once))
    except (OSError, nats.errors.Error) as error:
        failure = t("publish.failed", server=server, error=error or type(error).__name__)
        errors.print(t("common.error_plain", message=failure), highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()
    console.print(t("publish.published", count=published))
