"""Least privilege: the service's database role may append to the ledger, never change it.

The owner role (which runs the migrations and first opens the ledger, and so
owns every table, trigger and function) grants the service's role what the
service needs: reading and writing the read models and its own tables, but
only SELECT and INSERT on the ledger's append-only tables, and CREATE in the
library's schema (the views' runner creates its positions table when missing).
A role that does not own the ledger opens it without creating anything
(``opens_as_owner``): the owner created the tables, triggers and functions.
Three exceptions, all harmless:

- the events table also gets UPDATE, because PostgreSQL asks for UPDATE, DELETE
  or TRUNCATE to take the EXCLUSIVE lock every writer takes to keep positions
  in commit order; its trigger refuses every UPDATE statement, and only the
  owner could disable that trigger;
- ``ledger.snapshot_hashes`` keeps UPDATE: a snapshot written again at the same
  version records its new hash (snapshots are a cache, checked against the events);
- ``privacy.customer_keys`` is the service's to erase from, but its ``VACUUM
  (FULL)`` needs the owner: ``sanbao keys purge`` is run as the owner.

Run again after migrations that add tables: grants are given per table.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection, sql
from psycopg.rows import tuple_row

from storage.hash_chain import LedgerTables

APPEND_ONLY = (
    ("ledger", "chain"),
    ("ledger", "checkpoints"),
    ("ledger", "verifications"),
    ("privacy", "access_log"),
)
Table = tuple[str, str]


def opens_as_owner(conn: Connection[Any]) -> bool:
    """Whether the connected role owns the ledger's schema (or may act as its owner)."""
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            "SELECT pg_has_role(current_user, nspowner, 'USAGE') FROM pg_namespace "
            "WHERE nspname = 'ledger'"
        ).fetchone()
    return row is None or bool(row[0])


def owned_schemas(conn: Connection[Any]) -> list[str]:
    """The schemas the connected role owns or may create in (the product's schemas)."""
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' "
            "AND nspname <> 'information_schema' "
            "AND has_schema_privilege(current_user, oid, 'CREATE') ORDER BY nspname"
        ).fetchall()
    return [str(name) for (name,) in rows]


def _existing(conn: Connection[Any], tables: list[Table]) -> list[Table]:
    query = "SELECT to_regclass(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL"
    with conn.cursor(row_factory=tuple_row) as cur:
        return [t for t in tables if cur.execute(query, t).fetchone() == (True,)]


def grant_service_role(conn: Connection[Any], role: str, tables: LedgerTables) -> list[Table]:
    """Grants ``role`` the service's privileges (as the owner); the append-only tables."""
    events = (tables.schema, tables.events)
    snapshots = [(tables.schema, tables.snapshots)] if tables.snapshots else []
    # Units' registrations (domain.units) and stock movements (domain.stock): the library
    # names their tables <prefix>_units and <prefix>_stock.
    prefix = tables.events.removesuffix("_events")
    units, stock = (tables.schema, prefix + "_units"), (tables.schema, prefix + "_stock")
    append_only = _existing(conn, [events, *snapshots, units, stock, *APPEND_ONLY])
    grantee = sql.Identifier(role)
    with conn.transaction(), conn.cursor() as cur:
        for schema in owned_schemas(conn):
            name = sql.Identifier(schema)
            cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(name, grantee))
            cur.execute(
                sql.SQL(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}"
                ).format(name, grantee)
            )
            cur.execute(
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                    name, grantee
                )
            )
        cur.execute(
            sql.SQL("GRANT CREATE ON SCHEMA {} TO {}").format(
                sql.Identifier(tables.schema), grantee
            )
        )
        for table in append_only:
            cur.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(*table), grantee
                )
            )
        cur.execute(sql.SQL("GRANT UPDATE ON {} TO {}").format(sql.Identifier(*events), grantee))
    return append_only
