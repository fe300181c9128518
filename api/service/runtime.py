"""What the service runs besides the routes: the ledger, users, and (in-process) background work.

The database may be down when the service starts: a thread opens the ledger and
prepares the database (tables, migrations) as soon as it can; until then every
request that needs the database answers 503. With ``projections`` it then starts
the background work (views, SLA sweep, checkpoints) in this process; ``sanbao
serve`` runs that work in a companion process instead and starts its workers
without it.

Once the database is known to be down (``DatabaseBreaker``), the ledger and the
users answer DatabaseUnavailableError at once instead of after the pool's timeout.
Reads that wait for the views (``min_position``) wait on the event loop, holding
no thread, and at most ``max_position_waiters`` at a time. With
``database_read_url`` the views are read on a hot standby
(``api.service.view_database``), and so are the positions those reads wait for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from eventsourcing import persistence
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.rows import DictRow

from api.http.http_errors import (
    DatabaseUnavailableError,
    StandbyUnavailableError,
    TooManyWaitersError,
    ViewsBehindError,
)
from api.service.background_work import DATABASE_ERRORS as DATABASE_ERRORS  # what the routes catch
from api.service.background_work import BackgroundWork, open_when_reachable
from api.service.database import Database, redact, resolve_database
from api.service.database_breaker import DatabaseBreaker
from api.service.logs import logger
from api.service.view_database import positions_connect_kwargs, standby_datastore
from api.settings import Settings
from domain.application import ClaimsLedger
from projections.engine.quarantine import quarantined_count
from projections.engine.watcher import PositionWatcher
from storage.recorder import datastore_of
from storage.users import UserStore

OPEN_STOP_SECONDS = 10.0
# A view query's failures that mean the standby is away, not that the query is wrong.
STANDBY_LOST = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    persistence.OperationalError,
    persistence.InterfaceError,
)


class Runtime:
    """The ledger, users, read-your-writes and (with ``projections``) the background work,
    started and stopped with the app."""

    def __init__(self, settings: Settings, projections: bool = True) -> None:
        self.settings = settings
        self.projections = projections
        self.database: Database = resolve_database(settings)
        self._ledger: ClaimsLedger | None = None
        self._users: UserStore | None = None
        self._standby: PostgresDatastore | None = None
        self.watcher: PositionWatcher | None = None
        self.background: BackgroundWork | None = None
        self.breaker = DatabaseBreaker(self.database.url, on_back=self._refresh_pool)
        self.waiting = 0  # requests waiting for the views (on the event loop's thread)
        self.stopping = threading.Event()
        self.opening = threading.Thread(target=self._open, name="open-ledger", daemon=True)

    @property
    def ledger(self) -> ClaimsLedger:
        """The ledger, once the database was reached; DatabaseUnavailableError before,
        and at once while the database is known to be down."""
        if self._ledger is None or self.breaker.open:
            raise DatabaseUnavailableError()
        return self._ledger

    @contextmanager
    def view_connection(self) -> Iterator[Connection[DictRow]]:
        """A connection for view queries: on the standby of ``database_read_url``, else on
        the ledger's database (DatabaseUnavailableError as ``ledger``). A standby that
        cannot be reached raises StandbyUnavailableError, at once while the position
        watcher knows it is away."""
        ledger = self.ledger
        if self._standby is None:
            with datastore_of(ledger).get_connection() as conn:
                yield conn
            return
        if self.watcher is not None and self.watcher.standby_lost:
            raise StandbyUnavailableError()
        try:
            with self._standby.get_connection() as conn:
                yield conn
        except STANDBY_LOST as error:
            raise StandbyUnavailableError() from error

    @property
    def users(self) -> UserStore:
        if self._users is None or self.breaker.open:
            raise DatabaseUnavailableError()
        return self._users

    def start(self) -> None:
        self.opening.start()

    def wait_until_ready(self, timeout: float) -> bool:
        """True once the ledger is open (tests and the CLI wait for it)."""
        deadline = time.monotonic() + timeout
        while self._users is None and time.monotonic() < deadline:
            self.stopping.wait(0.02)
        return self._users is not None

    def _open(self) -> None:
        opened = open_when_reachable(self.settings, self.database, self.stopping)
        if opened is None:
            return
        ledger, runner = opened
        datastore = datastore_of(ledger)
        view_names = [view.name for view in runner.views]
        if self.settings.database_read_url:
            self._standby = standby_datastore(
                self.settings.database_read_url, self.settings.pool_size
            )
        self.watcher = PositionWatcher(
            runner.connect_kwargs(),
            "public",
            view_names,
            on_connection_lost=self.breaker.trip,
            positions_kwargs=positions_connect_kwargs(self._standby),
        ).start()
        self._ledger = ledger
        self._users = UserStore(datastore, self.settings.token_cache_seconds)
        logger.info(
            "ledger open",
            database=self.database.describe(),
            views=redact(self.settings.database_read_url or self.database.url),
        )
        if self.projections and not self.stopping.is_set():
            self.background = BackgroundWork(ledger, runner, self.settings).start()

    def views_reached(self, position: int) -> bool:
        """True if every view has applied ``position`` (as last seen; no query)."""
        return self.watcher is not None and self.watcher.reached >= position

    def wait_for_views(self, position: int) -> None:
        """Returns once every view applied ``position``; ViewsBehindError after the timeout.

        Blocks the calling thread (tests, tools); requests use ``await_views``.
        """
        watcher = self.watcher
        if watcher is None or not watcher.wait(position, self.settings.read_your_writes_timeout):
            raise ViewsBehindError(position)

    async def await_views(self, position: int) -> None:
        """``wait_for_views`` on the event loop, holding no thread: TooManyWaitersError at
        once when ``max_position_waiters`` requests already wait."""
        watcher = self.watcher
        if watcher is None:
            raise ViewsBehindError(position)
        if watcher.reached >= position:
            return
        if self.waiting >= self.settings.max_position_waiters:
            raise TooManyWaitersError(position, self.waiting)
        self.waiting += 1
        try:
            reached = await watcher.wait_async(position, self.settings.read_your_writes_timeout)
        finally:
            self.waiting -= 1
        if not reached:
            raise ViewsBehindError(position)

    def head(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def view_lag(self) -> int:
        """How many ledger positions the slowest view is behind the head."""
        reached = self.watcher.reached if self.watcher else 0
        return max(self.head() - reached, 0)

    def quarantined(self) -> int:
        """How many events the views stepped over as damaged (``projections.engine.quarantine``)."""
        with datastore_of(self.ledger).get_connection() as conn:
            return quarantined_count(conn)

    def check_database(self) -> None:
        """Raises DatabaseUnavailableError unless PostgreSQL answers, within about a second
        once it is known to be down; a failure opens the breaker."""
        ledger = self.ledger
        try:
            with datastore_of(ledger).get_connection() as conn:
                conn.execute("SELECT 1")
        except DATABASE_ERRORS:
            self.breaker.trip()
            raise

    def standby_reachable(self) -> bool | None:
        """Whether the views' standby answers (None without ``database_read_url``)."""
        if self.settings.database_read_url is None:
            return None
        try:
            with self.view_connection() as conn:
                conn.execute("SELECT 1")
        except StandbyUnavailableError:
            return False
        return True

    def database_lost(self) -> None:
        """Tells the breaker that a request found the database gone."""
        self.breaker.trip()

    def _refresh_pool(self) -> None:
        """Replaces the pool's connections that the outage broke (the breaker's probe)."""
        if self._ledger is not None:
            datastore_of(self._ledger).pool.check()

    def stop(self) -> None:
        self.stopping.set()
        self.breaker.stop()
        if self.opening.is_alive():
            self.opening.join(timeout=OPEN_STOP_SECONDS)
        if self.background is not None:
            self.background.stop()
        if self.watcher is not None:
            self.watcher.stop()
        if self._standby is not None:
            self._standby.close()
        if self._ledger is not None:
            self._ledger.close()
