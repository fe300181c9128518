"""Helpers for the personal-data tests: a database of their own, and a grep of all of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


@contextmanager
def own_database(database_url: str, suffix: str) -> Iterator[str]:
    """A fresh database next to the session's, dropped afterwards."""
    params = conninfo_to_dict(database_url)
    name = f"{params['dbname']}_{suffix}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(**{**params, "dbname": name})
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def spellings(secret: str) -> list[str]:
    """The secret as UTF-8 text and as JSON escapes (``\\u5f20``), both ways it could be stored."""
    escaped = json.dumps(secret)[1:-1]
    return sorted({secret, escaped})


def tables_holding(conn: psycopg.Connection[Any], secret: str) -> list[str]:
    """Every table of the database (any schema) with a row whose text or bytes hold ``secret``.

    Each row is read as text (``row::text``: jsonb and arrays included) and every
    bytea column is searched for the UTF-8 bytes, since stored events are bytea.
    """
    tables = conn.execute(
        "SELECT table_schema, table_name FROM information_schema.tables"
        " WHERE table_type = 'BASE TABLE'"
        " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    found = []
    for schema, table in tables:
        name = sql.Identifier(schema, table)
        byte_columns = [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = %s AND table_name = %s AND data_type = 'bytea'",
                (schema, table),
            ).fetchall()
        ]
        for spelling in spellings(secret):
            as_text = sql.SQL("SELECT count(*) FROM {} AS t WHERE strpos(t::text, %s) > 0")
            hits = conn.execute(as_text.format(name), (spelling,)).fetchone()[0]  # type: ignore[index]
            for column in byte_columns:
                as_bytes = sql.SQL("SELECT count(*) FROM {} WHERE position(%s::bytea IN {}) > 0")
                query = as_bytes.format(name, sql.Identifier(column))
                hits += conn.execute(query, (spelling.encode(),)).fetchone()[0]  # type: ignore[index]
            if hits:
                found.append(f"{schema}.{table}")
    return sorted(set(found))
