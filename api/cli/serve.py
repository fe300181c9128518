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
from uvicorn.supervisors import Multiprocess

from api.cli.demo import add_demo_staff, load_demo
from api.cli.demo_showcase import load_showcase
from api.cli.demo_stock import load_stock_showcase
from api.cli.messages import t
from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.service.companion import Companion
from api.service.logs import configure_logging
from api.settings import get_settings
from domain.vocabulary import Role
from storage.recorder import datastore_of
from storage.users import UserStore

FIRST_USER = "supervisor"
STARTUP_FAILURE = 3  # uvicorn's exit code when the app did not start
# How long a worker may take to answer the supervisor's health check before it is killed
# and replaced. A new worker answers only once it has imported the service (spawned, it
# imports it afresh): on a busy machine that took over uvicorn's 5 s, and each worker was
# killed and replaced before it could answer, again and again.
WORKER_HEALTHCHECK_SECONDS = 30


def serve(
    host: Annotated[str, typer.Option(help=t("serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=t("serve.port"))] = 8000,
    workers: Annotated[int, typer.Option(min=1, help=t("serve.workers"))] = 1,
    no_projections: Annotated[
        bool, typer.Option("--no-projections", help=t("serve.no_projections"))
    ] = False,
    demo: Annotated[bool, typer.Option("--demo", help=t("serve.demo"))] = False,
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
            console.print(t("serve.first_user", name=FIRST_USER))
            print(token, flush=True)
            console.print(t("serve.console_password", name=FIRST_USER))
        else:
            console.print(t("serve.lost_token", name=FIRST_USER))
        if demo:
            loaded, _ = load_demo(ledger, datetime.now().astimezone())
            load_showcase(ledger, datetime.now().astimezone())
            load_stock_showcase(ledger, datetime.now().astimezone())
            add_demo_staff(users)
            numbers = ", ".join(loaded) or t("serve.already_loaded")
            console.print(t("serve.demo_claims", numbers=numbers))
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
        console.print(t("serve.serving", host=host, port=port, database=database.describe()))
        console.print(t("serve.console", host=host, port=port))
        if settings.metrics_port:
            console.print(t("serve.metrics", host=host, port=settings.metrics_port))
        run_uvicorn(host, port, workers, settings.metrics_port, settings.forwarded_allow_ips)
    finally:
        if companion is not None:
            companion.stop()


def run_uvicorn(
    host: str, port: int, workers: int, metrics_port: int | None, forwarded_allow_ips: str
) -> None:
    """The app under uvicorn on ``host:port`` and, if set, the metrics port too.

    Forwarded headers (``X-Forwarded-Proto``, ``-For``) are trusted from the configured
    proxies only, so behind a TLS proxy a request counts as HTTPS (the session cookie
    stays ``Secure``) and a client elsewhere cannot claim it. uvicorn's ``run`` binds
    one address; for two, the sockets are bound here and handed to its server, or to
    its worker supervisor with ``--workers``.
    """
    config = uvicorn.Config(
        "api.http.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
    sockets = [config.bind_socket()]
    if metrics_port is not None:
        sockets.append(uvicorn.Config(config.app, host=host, port=metrics_port).bind_socket())
    try:
        if workers > 1:
            Multiprocess(config, sockets).run()
            return
        server = uvicorn.Server(config)
        server.run(sockets=sockets)
    except KeyboardInterrupt:
        return
    if not server.started:
        sys.exit(STARTUP_FAILURE)
