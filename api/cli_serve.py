"""``sanbao serve``: the HTTP API under uvicorn, with the views in-process by default."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Annotated

import typer
import uvicorn

from api.bootstrap import open_ledger
from api.console import console
from api.demo import load_demo
from api.settings import get_settings
from api.users import UserStore
from domain.vocabulary import Role

FIRST_USER = "supervisor"


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes")] = 1,
    no_projections: Annotated[
        bool, typer.Option("--no-projections", help="run the views elsewhere (scale-out)")
    ] = False,
    demo: Annotated[bool, typer.Option("--demo", help="load the lamp-factory demo claims")] = False,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs); prints a first supervisor token on first start."""
    settings = get_settings()
    ledger, database = open_ledger(settings)
    try:
        users = UserStore(ledger.recorder.datastore)  # type: ignore[attr-defined]
        if not users.exists():
            token = users.add(FIRST_USER, Role.SUPERVISOR)
            console.print(f"first user {FIRST_USER!r} (supervisor); bearer token, shown once:")
            print(token, flush=True)
        if demo:
            loaded, _ = load_demo(ledger, datetime.now().astimezone())
            console.print(f"demo claims: {', '.join(loaded) or 'already loaded'}")
    finally:
        ledger.close()
    # Workers are separate processes: they reach the same (possibly embedded) server by URL.
    os.environ["DATABASE_URL"] = database.url
    if no_projections:
        os.environ["SANBAO_PROJECTIONS"] = "false"
    # uvicorn builds the app in this process when workers == 1: forget the settings
    # read above so the app sees the environment just set.
    get_settings.cache_clear()
    console.print(f"serving on http://{host}:{port}/docs — {database.describe()}")
    console.print(f"supervisor console: http://{host}:{port}/ui")
    uvicorn.run(
        "api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )
