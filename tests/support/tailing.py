"""A reader tailing a log table by its sequence column, as a view runner follows the ledger.

It reads ``WHERE id > last ORDER BY id`` over and over while writers append.
If rows ever became visible out of sequence order (a lower id committed after a
higher one was read), the reader would step over them for good: at the end
``missed()`` compares what it read with what the table holds.
"""

from __future__ import annotations

import threading
import time

import psycopg
from psycopg import sql


class TailingReader:
    """Polls ``table`` for new ``column`` values in a thread; counts the ones it stepped over."""

    def __init__(self, url: str, table: str, column: str = "notification_id") -> None:
        self.url = url
        self.table = sql.Identifier(table)
        self.column = sql.Identifier(column)
        self.seen: list[int] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._tail, daemon=True)
        self.start_after = 0

    def __enter__(self) -> TailingReader:
        with psycopg.connect(self.url) as conn:
            row = conn.execute(
                sql.SQL("SELECT coalesce(max({}), 0) FROM {}").format(self.column, self.table)
            ).fetchone()
        self.start_after = int(row[0]) if row else 0
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self.thread.join()

    def _tail(self) -> None:
        query = sql.SQL("SELECT {0} FROM {1} WHERE {0} > %s ORDER BY {0}").format(
            self.column, self.table
        )
        last = self.start_after
        with psycopg.connect(self.url, autocommit=True) as conn:
            while True:
                stopping = self.stopping.is_set()  # read once more after the writers stopped
                rows = conn.execute(query, (last,), prepare=True).fetchall()
                if rows:
                    self.seen.extend(r[0] for r in rows)
                    last = rows[-1][0]
                elif stopping:
                    return
                else:
                    time.sleep(0.001)

    def missed(self) -> int:
        """Rows committed during the run that the reader never saw (0 when order held)."""
        with psycopg.connect(self.url) as conn:
            present = {
                r[0]
                for r in conn.execute(
                    sql.SQL("SELECT {0} FROM {1} WHERE {0} > %s").format(self.column, self.table),
                    (self.start_after,),
                )
            }
        return len(present - set(self.seen))
