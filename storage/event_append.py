"""Appending a batch of events in one statement: the store's lock, announcement and insert.

The library writes a batch as six statements (BEGIN, the lock timeout, LOCK TABLE,
NOTIFY, the INSERT, COMMIT), each costing the client tens of microseconds of
Python. This function does the same work, in the same order and under the
same lock (so positions still become visible in commit order), as one
statement: the connection's autocommit makes it one transaction. Events whose
claim version is already taken are named instead of failing the statement, so
the group commit refuses only their saves and writes the others at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.rows import tuple_row

from storage.group_commit import VersionsTaken

# A new definition gets a new name, so processes of two versions never fight over one.
FUNCTION = "sanbao_append_events_v2"

CREATE_FUNCTION = """
CREATE FUNCTION {schema}.{function}(
    originator_ids uuid[], originator_versions bigint[], topics text[], states bytea[],
    lock_timeout text
) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;
    -- Under the lock no other writer can take a version: refuse the events whose
    -- version is taken by answering their negated 1-based indexes, inserting nothing.
    RETURN QUERY
        SELECT -u.i FROM unnest(originator_ids, originator_versions) WITH ORDINALITY AS u(id, v, i)
         WHERE EXISTS (SELECT 1 FROM {schema}.{table} e
                        WHERE e.originator_id = u.id AND e.originator_version = u.v);
    IF FOUND THEN
        RETURN;
    END IF;
    NOTIFY {channel};
    RETURN QUERY
        INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)
        SELECT * FROM unnest(originator_ids, originator_versions, topics, states)
        RETURNING notification_id;
END
$$
"""


class EventAppender:
    """Writes stored events through the append function; returns their positions."""

    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        self.datastore = recorder.datastore
        schema = sql.Identifier(self.datastore.schema or "public")
        self.names = {
            "schema": schema,
            "function": sql.Identifier(FUNCTION),
            "table": sql.Identifier(recorder.events_table_name),
            "channel": sql.Identifier(recorder.channel_name),
        }
        self.lock_timeout = f"{self.datastore.lock_timeout}s"
        # Rendered once: a composed statement is rendered again on every execution.
        self.statement = (
            sql.SQL("SELECT * FROM {schema}.{function}(%s, %s, %s, %s, %s)")
            .format(**self.names)
            .as_string()
        )

    def install(self) -> None:
        """Creates the function once (concurrent starts wait for each other)."""
        schema = self.datastore.schema or "public"
        signature = f"{schema}.{FUNCTION}(uuid[],bigint[],text[],bytea[],text)"
        with self.datastore.get_connection() as conn, conn.transaction():
            cur = conn.cursor(row_factory=tuple_row)
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (FUNCTION,))
            found = cur.execute("SELECT to_regprocedure(%s) IS NOT NULL", (signature,)).fetchone()
            if not (found and found[0]):
                cur.execute(sql.SQL(CREATE_FUNCTION).format(**self.names))

    def __call__(self, events: Sequence[StoredEvent]) -> Sequence[int]:
        if not events:
            return []
        arguments = (
            [e.originator_id for e in events],
            [e.originator_version for e in events],
            [e.topic for e in events],
            [e.state for e in events],
            self.lock_timeout,
        )
        with self.datastore.get_connection() as conn:
            cur = conn.cursor(row_factory=tuple_row)
            cur.execute(self.statement, arguments, prepare=True)
            answers: list[int] = [row[0] for row in cur.fetchall()]
        if answers and answers[0] < 0:
            raise VersionsTaken(sorted(-answer - 1 for answer in answers))
        # Positions are drawn in insertion order, which is the order of the arrays.
        return sorted(answers)
