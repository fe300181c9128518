"""``sanbao serve``: the HTTP API under uvicorn, with its background work in a companion process.

The API workers only answer requests; one companion process (``sanbao background``)
runs the views, the SLA sweep and the ledger checkpoints for all of them, so that
work takes no share of a worker's interpreter lock.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime
from typing import Annotated

import typer
import uvicorn

from api.cli.demo import load_demo
from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.service.companion import Companion
from api.service.logs import configure_logging
from api.settings import get_settings
from domain.vocabulary import Role
from storage.recorder import datastore_of
from storage.users import UserStore

FIRST_USER = "supervisor"


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes")] = 1,
    no_projections: Annotated[
        bool,
        typer.Option(
            "--no-projections",
            help="no views, SLA sweep or checkpoints here: run `sanbao background` elsewhere",
        ),
    ] = False,
    demo: Annotated[bool, typer.Option("--demo", help="load the lamp-factory demo claims")] = False,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs), with one companion process running the views,
    the SLA sweep and the checkpoints; prints a first supervisor token on first start."""
    settings = get_settings()
    # uvicorn re-raises a SIGTERM once it has shut down: exiting through Python's
    # exit path instead lets the companion be stopped (and the embedded PostgreSQL too).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ledger, database = open_ledger(settings)
    try:
        users = UserStore(datastore_of(ledger))
        if not users.exists():
            token = users.add(FIRST_USER, Role.SUPERVISOR)
            console.print(f"first user {FIRST_USER!r} (supervisor); bearer token, shown once:")
            print(token, flush=True)
        else:
            console.print(
                f"lost a token? `sanbao users token-reset {FIRST_USER}` issues a new one"
            )
        if demo:
            loaded, _ = load_demo(ledger, datetime.now().astimezone())
            console.print(f"demo claims: {', '.join(loaded) or 'already loaded'}")
    finally:
        ledger.close()
    # Workers and the companion are separate processes: they reach the same (possibly
    # embedded) server by URL.
    os.environ["DATABASE_URL"] = database.url
    if database.pgdata is not None:
        os.environ["SANBAO_EMBEDDED_PGDATA"] = str(database.pgdata)
    background = settings.projections and not no_projections
    # The workers only answer requests: the companion (or, with --no-projections,
    # another host) runs the views, the SLA sweep and the checkpoints.
    os.environ["SANBAO_PROJECTIONS"] = "false"
    # uvicorn builds the app in this process when workers == 1: forget the settings
    # read above so the app sees the environment just set.
    get_settings.cache_clear()
    configure_logging(settings.log_level)  # after preparing: the migrations' steps stay quiet
    companion = Companion().start() if background else None
    try:
        console.print(f"serving on http://{host}:{port}/docs — {database.describe()}")
        console.print(f"supervisor console: http://{host}:{port}/ui")
        uvicorn.run(
            "api.http.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            access_log=False,
        )
    finally:
        if companion is not None:
            companion.stop()
