"""Builds the ledger application from the settings: database, cipher, customers' keys."""

from __future__ import annotations

from datetime import timedelta

from api.service.database import Database, resolve_database
from api.service.ledger_integrity import install_ledger_chain
from api.settings import Settings, eventsourcing_env
from domain.application import ClaimsLedger
from domain.calendar import BusinessCalendar
from storage.customer_keys import PostgresCustomerKeys
from storage.event_append import EventAppender
from storage.migrations import migrate
from storage.personal_data_key import personal_data_master_key


def build_ledger(settings: Settings, database: Database) -> ClaimsLedger:
    """The ledger on ``database`` (its event tables are created when missing)."""
    cipher_key = settings.cipher_key.get_secret_value() if settings.cipher_key else None
    env = eventsourcing_env(database.url, settings.pool_size, cipher_key)
    calendar = BusinessCalendar(
        extra_holidays=frozenset(settings.extra_holidays),
        extra_workdays=frozenset(settings.extra_workdays),
    )
    ledger = ClaimsLedger(
        env=env, max_backdate=timedelta(days=settings.max_backdate_days), calendar=calendar
    )
    datastore = ledger.recorder.datastore  # type: ignore[attr-defined]
    ledger.customer_keys = PostgresCustomerKeys(datastore, personal_data_master_key(settings))
    install_ledger_chain(ledger)  # the library created its tables just now, if they were missing
    appender = EventAppender(ledger.recorder)
    appender.install()
    ledger.group_commit.insert = appender  # one statement per batch of commands
    return ledger


def open_ledger(settings: Settings) -> tuple[ClaimsLedger, Database]:
    """Opens the ledger on the configured (or embedded) PostgreSQL, migrating the views."""
    database = resolve_database(settings)
    migrate(database.url)
    return build_ledger(settings, database), database
