"""Read-your-writes: wait until the views have applied a given ledger position.

Every batch the runner commits ends with a NOTIFY on ``sanbao_views``. A
watcher keeps one LISTEN connection in a background thread, re-reads the
views' positions when woken, and wakes the callers waiting on a position.
No polling with back-off: a caller learns of a commit within milliseconds.

Callers on an event loop wait with ``wait_async``, which holds no thread: a
future per caller, resolved from the watcher's thread. Whoever passes
``on_connection_lost`` learns at once when the database goes away.

When the views are read on a hot standby (``positions_kwargs``), the positions
are read there: a read after a write then waits until the standby has replayed
the write's view changes. A standby cannot LISTEN; the notifications still come
from the primary, and while the standby's positions are behind the primary's it
is asked again every few milliseconds, until its replay catches up. A standby
that goes away does not count as the database lost: ``standby_lost`` says so
until the watcher reaches it again.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import sql

from projections.engine.tracking import TRACKING_TABLE, VIEWS_CHANNEL

RESYNC_SECONDS = 1.0
# How often a standby's positions are read again while a caller waits beyond them.
STANDBY_POLL_SECONDS = 0.005
# A database host that drops packets would otherwise hold the watcher in connect.
CONNECT_TIMEOUT_SECONDS = 2
AsyncWaiter = tuple[int, asyncio.AbstractEventLoop, "asyncio.Future[bool]"]


class PositionWatcher:
    """Tracks the lowest position reached by a set of views and lets callers wait on it."""

    def __init__(
        self,
        connect_kwargs: dict[str, Any],
        schema: str,
        views: Sequence[str],
        on_connection_lost: Callable[[], None] | None = None,
        positions_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.connect_kwargs = _plain(connect_kwargs)
        self.positions_kwargs = None if positions_kwargs is None else _plain(positions_kwargs)
        self.on_connection_lost = on_connection_lost
        self.views = list(views)
        self.query = sql.SQL(
            "SELECT application_name, notification_id FROM {}.{} WHERE application_name = ANY(%s)"
        ).format(sql.Identifier(schema), sql.Identifier(TRACKING_TABLE))
        self.reached = 0
        self.standby_lost = False
        self.changed = threading.Condition()
        self.async_waiters: list[AsyncWaiter] = []
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> PositionWatcher:
        self.thread = threading.Thread(target=self._listen, name="position-watcher", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread:
            self.thread.join(timeout=RESYNC_SECONDS + 1)

    def wait(self, position: int, timeout: float) -> bool:
        """True once every view has applied ``position``; False if ``timeout`` passes first."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.reached < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
        return True

    async def wait_async(self, position: int, timeout: float) -> bool:
        """``wait`` for a caller on an event loop, holding no thread while it waits."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        waiter = (position, loop, future)
        with self.changed:
            if self.reached >= position:
                return True
            self.async_waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return False
        finally:
            with self.changed:
                if waiter in self.async_waiters:
                    self.async_waiters.remove(waiter)

    def _listen(self) -> None:
        while not self.stopping.is_set():
            try:
                with psycopg.connect(autocommit=True, **self.connect_kwargs) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(VIEWS_CHANNEL)))
                    if self.positions_kwargs is None:
                        self._follow(conn, conn)
                    else:
                        self._follow_standby(conn, self.positions_kwargs)
            except psycopg.OperationalError:
                # The database went away: try again shortly; waiters time out meanwhile.
                if self.on_connection_lost is not None:
                    self.on_connection_lost()
                self.stopping.wait(0.5)

    def _follow_standby(self, listening: psycopg.Connection[Any], kwargs: dict[str, Any]) -> None:
        try:
            with psycopg.connect(autocommit=True, **kwargs) as positions:
                self._refresh(positions)
                self.standby_lost = False
                self._follow(listening, positions)
        except psycopg.OperationalError:
            if listening.closed:
                raise  # the primary went away
            # The standby went away: try again shortly; waiters time out meanwhile.
            self.standby_lost = True
            self.stopping.wait(0.5)

    def _follow(
        self, listening: psycopg.Connection[Any], positions: psycopg.Connection[Any]
    ) -> None:
        """Re-reads the positions on every notification, at least every RESYNC_SECONDS,
        and every STANDBY_POLL_SECONDS while a standby's positions are behind the primary's
        (its replay sends no notification)."""
        self._refresh(positions)
        while not self.stopping.is_set():
            pause = RESYNC_SECONDS
            if positions is not listening and self._lowest(listening) > self.reached:
                pause = STANDBY_POLL_SECONDS
            for _ in listening.notifies(timeout=pause, stop_after=1):
                pass
            self._refresh(positions)

    def _lowest(self, conn: psycopg.Connection[Any]) -> int:
        """The lowest position the views reached, as ``conn``'s server has them."""
        found = dict(conn.execute(self.query, (self.views,)).fetchall())
        return min((found.get(v, 0) for v in self.views), default=0)

    def _refresh(self, conn: psycopg.Connection[Any]) -> None:
        lowest = self._lowest(conn)
        with self.changed:
            self.reached = lowest
            self.changed.notify_all()
            reached = [w for w in self.async_waiters if w[0] <= lowest]
            for waiter in reached:
                self.async_waiters.remove(waiter)
        for _, loop, future in reached:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, future)


def _plain(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Connection arguments for a plain connection of the watcher's own."""
    plain = {k: v for k, v in kwargs.items() if k != "row_factory"}
    plain.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    return plain


def _resolve(future: asyncio.Future[bool]) -> None:
    if not future.done():  # a waiter that timed out meanwhile is cancelled
        future.set_result(True)
