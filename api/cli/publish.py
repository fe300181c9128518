"""``sanbao publish nats``: send the public events to a NATS JetStream stream."""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import Annotated

import nats.errors
import typer

from api.cli.terminal import console, errors
from api.service.bootstrap import open_ledger
from api.service.nats_publisher import NatsPublisher, NatsTarget
from api.settings import get_settings

app = typer.Typer(help="Publish the ledger's public events to other systems.")


@app.command("nats")
def publish_nats(
    url: Annotated[
        str | None,
        typer.Option(help="the NATS server, e.g. nats://127.0.0.1:4222 (or SANBAO_NATS_URL)"),
    ] = None,
    stream: Annotated[
        str | None, typer.Option(help="the JetStream stream (or SANBAO_NATS_STREAM)")
    ] = None,
    subject_prefix: Annotated[
        str | None,
        typer.Option(help="subjects are <prefix>.<event type> (or SANBAO_NATS_SUBJECT_PREFIX)"),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="stop when every recorded event is published")
    ] = False,
) -> None:
    """Publish every public event to JetStream once, in ledger order, then follow the ledger
    (the background process does this itself when SANBAO_NATS_URL is set)."""
    settings = get_settings()
    server = url or settings.nats_url
    if not server:
        errors.print("error: give --url or set SANBAO_NATS_URL")
        errors.print("错误：请用 --url 指定 NATS 服务器，或设置 SANBAO_NATS_URL")
        raise typer.Exit(code=2)
    target = NatsTarget(
        server, stream or settings.nats_stream, subject_prefix or settings.nats_subject_prefix
    )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    ledger, database = open_ledger(settings)
    try:
        console.print(f"publishing {database.describe()} to {server}, stream {target.stream}")
        published = asyncio.run(NatsPublisher(ledger, target).run(stopping, once=once))
    except (OSError, nats.errors.Error) as error:
        errors.print(f"error: NATS at {server}: {error or type(error).__name__}")
        errors.print(f"错误：无法向 {server} 的 NATS 发布：{error or type(error).__name__}")
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()
    console.print(f"published {published} events")
