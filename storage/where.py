"""A WHERE clause from optional filters: each clause applies when its value is given.

Shared by the write side's searches (the access log) and the views' queries (the audit trail).
"""

from __future__ import annotations

from typing import Any

from psycopg import sql


def where_given(filters: dict[str, Any]) -> tuple[sql.Composable, tuple[Any, ...]]:
    """The AND of the clauses (``"actor = %s"`` → value) whose value is not None, and their
    parameters in order; ``TRUE`` when none is given."""
    chosen = {clause: value for clause, value in filters.items() if value is not None}
    if not chosen:
        return sql.SQL("TRUE"), ()
    return sql.SQL(" AND ").join(sql.SQL(clause) for clause in chosen), tuple(chosen.values())
