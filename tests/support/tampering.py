"""Tampering as the ledger's trust boundary allows: as a role able to disable triggers.

The ledger's events, chain, checkpoints and verifications refuse UPDATE, DELETE
and TRUNCATE by trigger. Only their owner or a superuser can get past that;
tests that simulate an insider act as one, in a transaction where no trigger
fires (``session_replication_role = replica``, superusers only).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg


@contextmanager
def triggers_off(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """A transaction in which no trigger fires: what a superuser (or the owner) can do."""
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        yield
