"""Builds the ledger application from the settings: database, cipher, customers' keys."""

from __future__ import annotations

from datetime import timedelta

import psycopg
from eventsourcing.persistence import ApplicationRecorder

from api.service.database import Database, resolve_database
from api.settings import Settings, eventsourcing_env
from domain.application import ClaimsLedger
from domain.calendar import BusinessCalendar
from projections.units.unit_index import TraceIndex
from storage.claim_numbers import PostgresClaimNumbers
from storage.customer_keys import PostgresCustomerKeys
from storage.key_files import personal_data_master_key
from storage.migrations import migrate
from storage.recorder import datastore_of
from storage.service_role import opens_as_owner


def build_ledger(settings: Settings, database: Database) -> ClaimsLedger:
    """The ledger on ``database`` (migrated; the library creates its event tables if missing)."""
    cipher_key = settings.cipher_key.get_secret_value() if settings.cipher_key else None
    env = eventsourcing_env(database.url, settings.pool_size, cipher_key)
    with psycopg.connect(database.url, autocommit=True) as conn:
        if not opens_as_owner(conn):
            # A service role (README, "Least privilege"): the owner created the tables.
            env["CREATE_TABLE"] = "n"
    calendar = BusinessCalendar(
        extra_holidays=frozenset(settings.extra_holidays),
        extra_workdays=frozenset(settings.extra_workdays),
    )
    configured = settings.personal_data_key
    master_key = personal_data_master_key(
        configured.get_secret_value() if configured else None, settings.data_dir
    )

    def customer_keys(recorder: ApplicationRecorder) -> PostgresCustomerKeys:
        return PostgresCustomerKeys(datastore_of(recorder), master_key)

    ledger = ClaimsLedger(
        env=env,
        max_backdate=timedelta(days=settings.max_backdate_days),
        clock_skew=timedelta(seconds=settings.clock_skew_seconds),
        calendar=calendar,
        customer_keys=customer_keys,
    )
    # A unit's claims are found through the trace view, its unapplied tail from the log.
    ledger.claim_finder = TraceIndex(ledger)
    ledger.claim_numbers = PostgresClaimNumbers(datastore_of(ledger))
    return ledger


def open_ledger(settings: Settings) -> tuple[ClaimsLedger, Database]:
    """Opens the ledger on the configured (or embedded) PostgreSQL, migrating the views."""
    database = resolve_database(settings)
    migrate(database.url)
    return build_ledger(settings, database), database
