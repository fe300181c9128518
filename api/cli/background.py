"""``sanbao background``: the views, the SLA sweep and the ledger checkpoints in one process."""

from __future__ import annotations

import os
import signal
import threading
from typing import Annotated

import typer

from api.cli.messages import t
from api.service.background_work import BackgroundWork, open_when_reachable
from api.service.database import resolve_database
from api.service.logs import configure_logging, logger
from api.settings import get_settings

# How often the process checks whether its work failed or its parent is gone.
CHECK_SECONDS = 1.0


def run_background(
    parent_pid: Annotated[
        int | None,
        typer.Option(
            "--parent-pid",
            hidden=True,
            help=t("background.parent_pid"),
        ),
    ] = None,
) -> None:
    """Run the views, the SLA sweep and the ledger checkpoints (started by `sanbao serve`;
    run it yourself beside `serve --no-projections`)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    if parent_pid is not None:
        watch = threading.Thread(
            target=_stop_when_orphaned, args=(parent_pid, stopping), name="parent-watch"
        )
        watch.daemon = True
        watch.start()
    database = resolve_database(settings)
    opened = open_when_reachable(settings, database, stopping)
    if opened is None:
        return  # asked to stop before the database could be reached
    ledger, runner = opened
    work = BackgroundWork(ledger, runner, settings).start()
    logger.info("background process running", database=database.describe(), pid=os.getpid())
    try:
        while not stopping.wait(CHECK_SECONDS) and not work.failed.is_set():
            pass
    finally:
        work.stop()
        ledger.close()
    if work.failed.is_set():
        logger.error("background process stopping: a background thread failed")
        raise typer.Exit(code=1)
    logger.info("background process stopped", pid=os.getpid())


def _stop_when_orphaned(parent_pid: int, stopping: threading.Event) -> None:
    """Sets ``stopping`` once ``parent_pid`` is no longer this process's parent (it died)."""
    while not stopping.wait(CHECK_SECONDS):
        if os.getppid() != parent_pid:
            logger.warning("parent process gone; stopping", parent_pid=parent_pid)
            stopping.set()
