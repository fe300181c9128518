"""Appending a batch of events in one statement: the store's lock, announcement and insert.

The library writes a batch as six statements (BEGIN, the lock timeout, LOCK TABLE,
NOTIFY, the INSERT, COMMIT), each costing the client tens of microseconds of
Python. This function does the same work, in the same order and under the
same lock (so positions still become visible in commit order), as one
statement: the connection's autocommit makes it one transaction. Events whose
claim version is already taken are named instead of failing the statement, so
the group commit refuses only their saves and writes the others at once.

The saves of requests under an Idempotency-Key come with their tickets: in the
same transaction the function marks each key's row ``committed`` with the
save's positions (``storage.idempotency``). It first locks those rows (after the
table, the one order every writer takes) and names the saves whose row is no
longer their request's (a retry took it over): they are refused like taken
versions, so a request records its events at most once whatever crashes.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.rows import tuple_row

from storage.group_commit import KeyedSave, TicketsLost, VersionsTaken

# A new definition gets a new name, so processes of two versions never fight over one.
FUNCTION = "sanbao_append_events_v4"
SIGNATURE = "(uuid[],bigint[],text[],bytea[],text,text[],text[],uuid[],int[],int[])"

CREATE_FUNCTION = """
CREATE FUNCTION {schema}.{function}(
    originator_ids uuid[], originator_versions bigint[], topics text[], states bytea[],
    lock_timeout text,
    key_users text[], key_keys text[], key_owners uuid[], key_firsts int[], key_counts int[]
) RETURNS TABLE (answer bigint, kind "char") LANGUAGE plpgsql AS $$
DECLARE
    drawn bigint[];
    lost boolean := false;
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;
    IF cardinality(key_owners) > 0 THEN
        -- Lock the keys' rows (a retry taking one over waits for this commit), then name
        -- the saves whose row is no longer theirs by their 1-based index.
        PERFORM 1 FROM api.idempotency_keys r
          JOIN unnest(key_users, key_keys) AS u(usr, k) ON r.user_name = u.usr AND r.key = u.k
         ORDER BY r.user_name, r.key FOR UPDATE OF r;
        RETURN QUERY
            SELECT u.i, 'k'::"char"
              FROM unnest(key_users, key_keys, key_owners) WITH ORDINALITY AS u(usr, k, o, i)
             WHERE NOT EXISTS (SELECT 1 FROM api.idempotency_keys r
                                WHERE r.user_name = u.usr AND r.key = u.k AND r.owner = u.o
                                  AND r.state IN ('running', 'committed'));
        lost := FOUND;
    END IF;
    -- Under the lock no other writer can take a version: name the events whose
    -- version is taken by their 1-based indexes, inserting nothing.
    RETURN QUERY
        SELECT u.i, 't'::"char"
          FROM unnest(originator_ids, originator_versions) WITH ORDINALITY AS u(id, v, i)
         WHERE EXISTS (SELECT 1 FROM {schema}.{table} e
                        WHERE e.originator_id = u.id AND e.originator_version = u.v);
    IF FOUND OR lost THEN
        RETURN;
    END IF;
    NOTIFY {channel};
    -- Tells the chain's trigger that this transaction holds the lock (migration 0029):
    -- it then skips reading pg_locks, tens of microseconds inside the lock.
    PERFORM set_config('ledger.writers_lock', pg_current_xact_id()::text, true);
    -- Positions are drawn in insertion order, which is the order of the arrays.
    WITH inserted AS (
        INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)
        SELECT * FROM unnest(originator_ids, originator_versions, topics, states)
        RETURNING notification_id
    )
    SELECT array_agg(notification_id ORDER BY notification_id) INTO drawn FROM inserted;
    IF cardinality(key_owners) > 0 THEN
        UPDATE api.idempotency_keys r
           SET state = 'committed',
               positions = coalesce(r.positions, '{{}}') || drawn[u.f + 1 : u.f + u.n]
          FROM unnest(key_users, key_keys, key_owners, key_firsts, key_counts) AS u(usr, k, o, f, n)
         WHERE r.user_name = u.usr AND r.key = u.k AND r.owner = u.o;
    END IF;
    RETURN QUERY SELECT unnest(drawn), 'p'::"char";
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
            sql.SQL(
                "SELECT * FROM {schema}.{function}(%s, %s, %s, %s, %s,"
                " %s::text[], %s::text[], %s::uuid[], %s::int[], %s::int[])"
            )
            .format(**self.names)
            .as_string()
        )

    def install(self) -> None:
        """Creates the function once (concurrent starts wait for each other)."""
        schema = self.datastore.schema or "public"
        signature = f"{schema}.{FUNCTION}{SIGNATURE}"
        with self.datastore.get_connection() as conn, conn.transaction():
            cur = conn.cursor(row_factory=tuple_row)
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (FUNCTION,))
            found = cur.execute("SELECT to_regprocedure(%s) IS NOT NULL", (signature,)).fetchone()
            if not (found and found[0]):
                cur.execute(sql.SQL(CREATE_FUNCTION).format(**self.names))

    def __call__(
        self, events: Sequence[StoredEvent], keyed: Sequence[KeyedSave] = ()
    ) -> Sequence[int]:
        if not events:
            return []
        arguments = (
            [e.originator_id for e in events],
            [e.originator_version for e in events],
            [e.topic for e in events],
            [e.state for e in events],
            self.lock_timeout,
            [save.ticket.user for save in keyed],
            [save.ticket.key for save in keyed],
            [save.ticket.owner for save in keyed],
            [save.first for save in keyed],
            [save.count for save in keyed],
        )
        with self.datastore.get_connection() as conn:
            cur = conn.cursor(row_factory=tuple_row)
            cur.execute(self.statement, arguments, prepare=True)
            answers: list[tuple[int, str]] = cur.fetchall()
        lost = sorted(index - 1 for index, kind in answers if kind == "k")
        taken = sorted(index - 1 for index, kind in answers if kind == "t")
        if taken:
            raise VersionsTaken(taken)
        if lost:
            raise TicketsLost(lost)
        # Positions are drawn in insertion order, which is the order of the arrays.
        return sorted(index for index, _ in answers)
