"""Whether PostgreSQL is known to be down, so that requests are told 503 at once.

While the database is away, a request that needs it waits for a pool connection
for the pool's whole timeout (10 s) before its 503, and readiness as long. Once a
connection failure is seen (a request answered ``database-unavailable``, or the
position watcher losing its connection), the breaker opens: the HTTP layer
answers 503 with Retry-After without trying (``api/http/database_gate.py``), and
a probe thread connects, with a short timeout, every half second. When the
database answers, the pool replaces its dead connections and the breaker closes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg

from api.service.logs import logger

PROBE_SECONDS = 0.5
PROBE_CONNECT_TIMEOUT_SECONDS = 2


class DatabaseBreaker:
    """Open while PostgreSQL is known to be down; a probe closes it when it is back."""

    def __init__(self, url: str, on_back: Callable[[], None] | None = None) -> None:
        self.url = url
        self.on_back = on_back
        self.opened = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.probe: threading.Thread | None = None

    @property
    def open(self) -> bool:
        """True while the database is known to be down."""
        return self.opened.is_set()

    def trip(self) -> None:
        """Opens the breaker (if closed) and starts probing for the database."""
        with self.lock:
            if self.opened.is_set() or self.stopping.is_set():
                return
            self.opened.set()
            logger.warning("database down; answering 503 until it is back")
            self.probe = threading.Thread(target=self._probe, name="database-probe", daemon=True)
            self.probe.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.probe is not None:
            self.probe.join(timeout=PROBE_SECONDS + PROBE_CONNECT_TIMEOUT_SECONDS + 1)

    def answers(self) -> bool:
        """True if a new connection to the database answers a query."""
        try:
            with psycopg.connect(
                self.url, connect_timeout=PROBE_CONNECT_TIMEOUT_SECONDS, autocommit=True
            ) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def _probe(self) -> None:
        while not self.stopping.wait(PROBE_SECONDS):
            if not self.answers():
                continue
            if self.on_back is not None:
                try:
                    self.on_back()  # the pool drops the connections the outage broke
                except psycopg.Error:
                    continue
            self.opened.clear()
            logger.info("database back; serving again")
            return
