"""Applies the SQL migrations in ``migrations/`` with yoyo-migrations.

The migrations are package data of the ``migrations`` package, found through
``importlib.resources`` so that an installed wheel finds them as a checkout does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

from psycopg.conninfo import conninfo_to_dict
from yoyo import get_backend, read_migrations
from yoyo.backends.base import DatabaseBackend
from yoyo.migrations import MigrationList

# pip unpacks a wheel onto disk, so the installed package is a directory yoyo can read.
MIGRATIONS_DIR = str(files("migrations"))


def yoyo_url(database_url: str) -> str:
    """A yoyo URL (psycopg 3 driver) for any libpq URL, including a socket directory."""
    params = conninfo_to_dict(database_url)
    user = params.get("user") or "postgres"
    password = f":{params['password']}" if params.get("password") else ""
    host = str(params.get("host") or "")
    port = params.get("port")
    dbname = params.get("dbname") or "postgres"
    if host.startswith("/"):
        return f"postgresql+psycopg://{user}{password}@/{dbname}?host={host}"
    netloc = f"{host}:{port}" if port else host
    return f"postgresql+psycopg://{user}{password}@{netloc}/{dbname}"


@contextmanager
def yoyo_backend(database_url: str) -> Iterator[DatabaseBackend]:
    """A yoyo backend whose connection is closed afterwards (yoyo leaves it open)."""
    backend = get_backend(yoyo_url(database_url))
    try:
        yield backend
    finally:
        backend.connection.close()


def sql_migrations() -> MigrationList:
    """The ``*.sql`` migrations in name order (the package's ``__init__.py`` is none)."""
    return MigrationList(m for m in read_migrations(MIGRATIONS_DIR) if m.is_raw_sql())


def pending_migrations(database_url: str) -> list[str]:
    """The ids of migrations not yet applied."""
    with yoyo_backend(database_url) as backend:
        return [m.id for m in backend.to_apply(sql_migrations())]


def migrate(database_url: str) -> list[str]:
    """Applies every pending migration (under yoyo's lock); returns their ids."""
    migrations = sql_migrations()
    with yoyo_backend(database_url) as backend, backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return [m.id for m in pending]
