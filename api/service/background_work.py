"""The service's background work: the views' runner, the SLA sweep, the ledger checkpoints
and the deletion of Idempotency-Keys past their retention.

One set runs per deployment: in the companion process ``sanbao serve`` starts
(``sanbao background``), or inside the app when it is created with
``SANBAO_PROJECTIONS`` true (tests, ``create_app``). Read-your-writes does not
depend on where: API workers learn the views' positions from the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg import sql

from api.service.bootstrap import build_ledger
from api.service.database import Database
from api.service.ledger_integrity import LedgerIntegrity
from api.service.logs import logger
from api.service.nats_publisher import NatsTarget, publish_forever
from api.service.webhook_deliveries import WebhookDispatcher
from api.settings import Settings
from domain.application import ClaimsLedger
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from projections.sla.sla_sweep import run_sweeper
from storage.idempotency import IdempotencyStore
from storage.migrations import migrate
from storage.recorder import datastore_of, recorder_of

RETRY_SECONDS = 1.0
STOP_SECONDS = 10.0
# Expired Idempotency-Keys are deleted this often (more often for a retention under 20 min).
PURGE_SECONDS = 300.0
DATABASE_ERRORS = (psycopg.Error, PersistenceError)


def open_when_reachable(
    settings: Settings, database: Database, stopping: threading.Event
) -> tuple[ClaimsLedger, ViewRunner] | None:
    """The ledger and its views' runner, retrying while the database cannot be reached.

    Prepares the database on the way (migrations, event tables, the views' tracking
    table). None when ``stopping`` is set first.
    """
    while not stopping.is_set():
        try:
            return _open(settings, database)
        except DATABASE_ERRORS as error:
            logger.warning("database not ready; retrying", error_type=type(error).__name__)
            stopping.wait(RETRY_SECONDS)
    return None


def _open(settings: Settings, database: Database) -> tuple[ClaimsLedger, ViewRunner]:
    migrate(database.url)
    ledger = build_ledger(settings, database)
    try:
        # The runner creates the views' tracking table, which position watchers read.
        return ledger, ViewRunner(ledger, build_views(ledger))
    except BaseException:
        ledger.close()
        raise


class BackgroundWork:
    """Runs the views, the SLA sweep and the checkpoints of an open ledger, a thread each.

    A thread that ends before ``stop`` was asked (an unexpected error) sets ``failed``;
    the others go on, and whoever runs the work decides what to do about it.
    """

    def __init__(self, ledger: ClaimsLedger, runner: ViewRunner, settings: Settings) -> None:
        self.ledger = ledger
        self.runner = runner
        self.settings = settings
        self.stopping = threading.Event()
        self.failed = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> BackgroundWork:
        work: dict[str, Callable[[], None]] = {
            "view-runner": self.runner.run_forever,
            "sla-sweep": self._sweep,
            "ledger-checkpoints": self._checkpoints,
            "idempotency-retention": self._purge_idempotency_keys,
        }
        work["webhook-deliveries"] = self._deliver_webhooks
        if self.settings.nats_url:
            work["nats-publisher"] = self._publish_to_nats
        for name, target in work.items():
            thread = threading.Thread(
                target=self._guarded, args=(name, target), name=name, daemon=True
            )
            thread.start()
            self.threads.append(thread)
        logger.info("background work started", views=[view.name for view in self.runner.views])
        return self

    def stop(self) -> None:
        """Asks every thread to stop and waits for them (at most ``STOP_SECONDS`` in all)."""
        self.stopping.set()
        self.runner.stop()
        self._wake_runner()
        deadline = time.monotonic() + STOP_SECONDS
        for thread in self.threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.1))

    def _guarded(self, name: str, target: Callable[[], None]) -> None:
        try:
            target()
        except Exception as error:
            logger.error("background thread failed", thread=name, error_type=type(error).__name__)
            self.failed.set()
            return
        if not self.stopping.is_set():
            logger.error("background thread ended unasked", thread=name)
            self.failed.set()

    def _sweep(self) -> None:
        settings = self.settings
        run_sweeper(self.ledger, settings.sla_sweep_seconds, self.stopping, settings.sla_escalation)

    def _checkpoints(self) -> None:
        LedgerIntegrity(self.ledger, self.settings).run_checkpoints(self.stopping)

    def _purge_idempotency_keys(self) -> None:
        settings = self.settings
        retention = settings.idempotency_retention.total_seconds()
        store = IdempotencyStore(
            datastore_of(self.ledger),
            settings.idempotency_wait_seconds,
            settings.idempotency_lease_seconds,
            retention,
        )
        while not self.stopping.wait(min(PURGE_SECONDS, retention / 4)):
            try:
                purged = store.purge_expired()
            except DATABASE_ERRORS:
                continue  # the database is away; the next round deletes them
            if purged:
                logger.info("expired idempotency keys deleted", count=purged)

    def _deliver_webhooks(self) -> None:
        WebhookDispatcher(self.ledger, self.settings).run_forever(self.stopping)

    def _publish_to_nats(self) -> None:
        settings = self.settings
        assert settings.nats_url is not None
        target = NatsTarget(settings.nats_url, settings.nats_stream, settings.nats_subject_prefix)
        publish_forever(self.ledger, target, self.stopping)

    def _wake_runner(self) -> None:
        """The runner waits on LISTEN between batches; a NOTIFY lets it see the stop at once."""
        channel = recorder_of(self.ledger).channel_name
        try:
            with datastore_of(self.ledger).get_connection() as conn:
                conn.execute(sql.SQL("NOTIFY {}").format(sql.Identifier(channel)))
        except DATABASE_ERRORS:
            pass  # the runner is waiting to reconnect, and sees the stop there
