"""Where the views are read: the ledger's own PostgreSQL, or a hot standby of it.

With ``DATABASE_READ_URL`` the view queries (claims lists, audit, trace,
reports, the console's pages) go to a hot standby fed by PostgreSQL streaming
replication; commands, the hash chain, Idempotency-Keys, the access log, users,
sessions and the background work stay on the primary (``DATABASE_URL``). The
views' positions are read on the same standby, so ``min_position`` waits until
the standby has replayed them (``projections.engine.watcher``).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresDatastore
from psycopg.conninfo import conninfo_to_dict

CONNECT_TIMEOUT_SECONDS = 10


def standby_datastore(url: str, pool_size: int) -> PostgresDatastore:
    """A pool on the standby behaving as the ledger's (dict rows, autocommit, the
    library's errors), so a view query runs the same on either server."""
    parts = conninfo_to_dict(url)
    return PostgresDatastore(
        dbname=str(parts.get("dbname") or "postgres"),
        host=str(parts.get("host") or "localhost"),
        port=str(parts.get("port") or "5432"),
        user=str(parts.get("user") or "postgres"),
        password=str(parts.get("password") or ""),
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        pool_size=pool_size,
        max_overflow=pool_size,
    )


def positions_connect_kwargs(views: PostgresDatastore | None) -> dict[str, Any] | None:
    """Where a position watcher reads the views' positions: the standby's connection
    arguments, or None to read them on the primary it listens to."""
    if views is None:
        return None
    kwargs = views.pool.kwargs
    if callable(kwargs):  # psycopg_pool also accepts a function returning them
        kwargs = kwargs()
    return dict(kwargs or {})
