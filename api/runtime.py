"""What the service runs besides the routes: the ledger, users, views, SLA sweep, checkpoints.

The database may be down when the service starts: a background thread opens
the ledger and prepares the database (tables, migrations) as soon as it can,
then runs the views' runner and the SLA sweep; until then every request that
needs the database answers 503.
"""

from __future__ import annotations

import threading
import time

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg import sql

from api.bootstrap import build_ledger
from api.database import Database, resolve_database
from api.errors import DatabaseUnavailableError, ViewsBehindError
from api.ledger_integrity import LedgerIntegrity
from api.logs import logger
from api.settings import Settings
from api.users import UserStore
from domain.application import ClaimsLedger
from projections.migrations import migrate
from projections.registry import build_views
from projections.runner import ViewRunner
from projections.sla_sweep import run_sweeper
from projections.watcher import PositionWatcher

RETRY_SECONDS = 1.0
DATABASE_ERRORS = (psycopg.Error, PersistenceError)


class Runtime:
    """The ledger and its background work, started and stopped with the app."""

    def __init__(self, settings: Settings, projections: bool = True) -> None:
        self.settings = settings
        self.projections = projections
        self.database: Database = resolve_database(settings)
        self._ledger: ClaimsLedger | None = None
        self._users: UserStore | None = None
        self.watcher: PositionWatcher | None = None
        self.runner: ViewRunner | None = None
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def ledger(self) -> ClaimsLedger:
        """The ledger, once the database was reached; DatabaseUnavailableError before."""
        if self._ledger is None:
            raise DatabaseUnavailableError()
        return self._ledger

    @property
    def users(self) -> UserStore:
        if self._users is None:
            raise DatabaseUnavailableError()
        return self._users

    def start(self) -> None:
        self._thread("prepare-and-project", self._prepare_and_project)

    def wait_until_ready(self, timeout: float) -> bool:
        """True once the ledger is open (tests and the CLI wait for it)."""
        deadline = time.monotonic() + timeout
        while self._users is None and time.monotonic() < deadline:
            self.stopping.wait(0.02)
        return self._users is not None

    def _thread(self, name: str, target: object) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self.threads.append(thread)

    def _open(self) -> tuple[ClaimsLedger, ViewRunner]:
        migrate(self.database.url)
        ledger = build_ledger(self.settings, self.database)
        try:
            # The runner creates the views' tracking table, which the watcher reads.
            return ledger, ViewRunner(ledger, build_views(ledger))
        except BaseException:
            ledger.close()
            raise

    def _prepare_and_project(self) -> None:
        while not self.stopping.is_set():
            try:
                ledger, runner = self._open()
                break
            except DATABASE_ERRORS as error:
                logger.warning("database not ready; retrying", error_type=type(error).__name__)
                self.stopping.wait(RETRY_SECONDS)
        else:
            return
        datastore = ledger.recorder.datastore  # type: ignore[attr-defined]
        view_names = [view.name for view in runner.views]
        self.watcher = PositionWatcher(runner.connect_kwargs(), "public", view_names).start()
        self._ledger = ledger
        self._users = UserStore(datastore, self.settings.token_cache_seconds)
        logger.info("ledger open", database=self.database.describe())
        if not self.projections:
            return
        self._thread("sla-sweep", self._sweep)
        self._thread("ledger-checkpoints", self._checkpoints)
        self.runner = runner
        runner.run_forever()

    def _sweep(self) -> None:
        settings = self.settings
        run_sweeper(self.ledger, settings.sla_sweep_seconds, self.stopping, settings.sla_escalation)

    def _checkpoints(self) -> None:
        LedgerIntegrity(self.ledger, self.settings).run_checkpoints(self.stopping)

    def wait_for_views(self, position: int) -> None:
        """Returns once every view applied ``position``; ViewsBehindError after the timeout."""
        watcher = self.watcher
        if watcher is None or not watcher.wait(position, self.settings.read_your_writes_timeout):
            raise ViewsBehindError(position)

    def head(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def view_lag(self) -> int:
        """How many ledger positions the slowest view is behind the head."""
        reached = self.watcher.reached if self.watcher else 0
        return max(self.head() - reached, 0)

    def check_database(self) -> None:
        """Raises a database error unless PostgreSQL answers."""
        with self.ledger.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            conn.execute("SELECT 1")

    def stop(self) -> None:
        self.stopping.set()
        if self.runner is not None:
            self.runner.stop()
            self._wake_runner()
        if self.watcher is not None:
            self.watcher.stop()
        deadline = time.monotonic() + 10
        for thread in self.threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.1))
        if self._ledger is not None:
            self._ledger.close()

    def _wake_runner(self) -> None:
        """The runner waits on LISTEN between batches; a NOTIFY lets it see the stop at once."""
        channel = self.ledger.recorder.channel_name  # type: ignore[attr-defined]
        try:
            with self.ledger.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
                conn.execute(sql.SQL("NOTIFY {}").format(sql.Identifier(channel)))
        except DATABASE_ERRORS:
            pass  # the runner is waiting to reconnect, and sees the stop there
