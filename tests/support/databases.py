"""Scratch databases on the test session's PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo


@contextmanager
def scratch_database(url: str, name: str) -> Iterator[str]:
    """Creates database ``name`` on the server of ``url``; yields its URL; drops it after."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(**{**conninfo_to_dict(url), "dbname": name})
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sibling_name(url: str, suffix: str) -> str:
    """A database name for a test package: the session database's name plus ``suffix``."""
    return f"{conninfo_to_dict(url)['dbname']}_{suffix}"
