-- The hash chain's trigger at under half its database time per one-event append: same chain.
-- depends: 0028.claims-region-keyset
--
-- Every chain row stays byte for byte what 0008 and 0014 wrote for the same events
-- (same encoding, same functions' results), so ledgers written before verify
-- unchanged; only where the time went changes. Profiled per one-row INSERT (inside
-- the database, no client), the trigger cost about 125 µs over the INSERT's own
-- 25 µs (loaded machine). Three things made most of it, and each is gone:
--
-- 1. The digest functions were declared IMMUTABLE around convert_to, which is only
--    STABLE, so PostgreSQL never inlined them: every event hash went through the SQL
--    function executor twice (event_digest, then row_digest), about 55 µs. Declared
--    STABLE (which they are) they inline into the calling statement. Same bodies.
-- 2. The check that the inserting transaction holds the writers' EXCLUSIVE lock read
--    pg_locks, which copies the whole lock table under all its partition locks: 50 to
--    90 µs on a loaded machine, inside the lock every writer waits for. The ledger's
--    own append function (storage/event_append.py) now records, right after taking
--    the lock, the transaction's id in the setting ledger.writers_lock; when it names
--    the current transaction the trigger takes the lock again instead (a lookup in the
--    backend's own lock table when it is held), and reads pg_locks only otherwise (the
--    import, the library's own path, an INSERT by hand). The setting grants nothing: a
--    plain INSERT by hand is refused as before, and one whose transaction wrote the
--    setting without the lock takes the lock in the trigger, before its rows are
--    chained. From the moment its positions were drawn it held the ROW EXCLUSIVE lock
--    every INSERT takes, which no writer's EXCLUSIVE lock can coexist with, so it is
--    chained in position order exactly like an INSERT that took the lock first (the
--    limit the README states); two such INSERTs at once deadlock, and one is aborted.
-- 3. A few rows were chained by five statements each (the head, the previous claim
--    hash, the digest, the insert, and the call); now one INSERT per row reads the head
--    and the previous claim hash in subqueries and refuses a row at or below the head.
--
-- Larger batches (more than four rows) keep 0014's set-based path, which profits from
-- the inlined digests too.

CREATE OR REPLACE FUNCTION ledger.row_digest(tag text, oid uuid, ver bigint, topic text, state bytea)
RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(
        convert_to(tag, 'UTF8') || uuid_send(oid) || int8send(ver)
        || int4send(octet_length(convert_to(coalesce(topic, ''), 'UTF8')))
        || convert_to(coalesce(topic, ''), 'UTF8')
        || int4send(octet_length(coalesce(state, ''::bytea))) || coalesce(state, ''::bytea))
$$;

CREATE OR REPLACE FUNCTION ledger.event_digest(oid uuid, ver bigint, topic text, state bytea)
RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ledger.row_digest('sanbao.event.v1', oid, ver, topic, state)
$$;

CREATE OR REPLACE FUNCTION ledger.snapshot_digest(oid uuid, ver bigint, topic text, state bytea)
RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ledger.row_digest('sanbao.snapshot.v1', oid, ver, topic, state)
$$;

-- Appends one event to the chain, as 0008's did, in one statement. Writers hold the
-- events table's EXCLUSIVE lock, so appends are serial and follow position order; a
-- row at or below the chain head (a forged back-dated position) is refused.
CREATE OR REPLACE FUNCTION ledger.chain_append(pos bigint, oid uuid, ver bigint, topic text, state bytea)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    zero CONSTANT bytea := decode(repeat('00', 32), 'hex');
    digest CONSTANT bytea := ledger.event_digest(oid, ver, topic, state);
    head bigint;
BEGIN
    INSERT INTO ledger.chain
    SELECT pos, oid, ver, digest,
           sha256(coalesce((SELECT claim_hash FROM ledger.chain
                             WHERE originator_id = oid AND originator_version = ver - 1),
                           zero) || digest),
           sha256(coalesce(h.log_hash, zero) || int8send(pos) || digest)
      FROM (SELECT) AS one
      LEFT JOIN (SELECT notification_id, log_hash FROM ledger.chain
                  ORDER BY notification_id DESC LIMIT 1) AS h ON true
     WHERE pos > coalesce(h.notification_id, 0);
    IF NOT FOUND THEN
        SELECT max(notification_id) INTO head FROM ledger.chain;
        RAISE EXCEPTION 'ledger position % is not after the chain head %', pos, head
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION ledger.on_events_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    zero CONSTANT bytea := decode(repeat('00', 32), 'hex');
    head_position bigint;
    log bytea;
    r record;
    previous bytea;
    n int := 0;
    positions bigint[] := '{}';
    oids uuid[] := '{}';
    versions bigint[] := '{}';
    event_hashes bytea[] := '{}';
    claim_hashes bytea[] := '{}';
    log_hashes bytea[] := '{}';
BEGIN
    -- Every writer of the ledger takes the table's EXCLUSIVE lock before inserting, so
    -- that positions become visible in commit order; an INSERT without it (a plain
    -- INSERT by hand) is refused rather than chained as if the ledger had written it.
    -- The ledger's append function names its transaction in ledger.writers_lock after
    -- taking the lock: the lock is then taken again, which costs nothing when held (and
    -- takes it, in position order, if the setting was written by hand without it).
    -- pg_locks answers for every other writer.
    IF current_setting('ledger.writers_lock', true) = pg_current_xact_id()::text THEN
        EXECUTE format('LOCK TABLE %s IN EXCLUSIVE MODE', TG_RELID::regclass);
    ELSIF NOT EXISTS (SELECT 1 FROM pg_locks
                       WHERE locktype = 'relation' AND relation = TG_RELID
                         AND pid = pg_backend_pid() AND mode = 'ExclusiveLock' AND granted) THEN
        RAISE EXCEPTION 'an INSERT into % without the ledger writers'' EXCLUSIVE lock is refused',
            TG_RELID::regclass USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A few rows (one command's save, a group commit of a few): one statement each.
    FOR r IN SELECT notification_id, originator_id, originator_version, topic, state,
                    count(*) OVER () AS batch
               FROM new_rows ORDER BY notification_id LOOP
        EXIT WHEN r.batch > 4;
        PERFORM ledger.chain_append(r.notification_id, r.originator_id,
                                    r.originator_version, r.topic, r.state);
    END LOOP;
    IF NOT FOUND OR r.batch <= 4 THEN
        RETURN NULL;
    END IF;
    SELECT notification_id, log_hash INTO head_position, log
      FROM ledger.chain ORDER BY notification_id DESC LIMIT 1;
    log := coalesce(log, zero);
    head_position := coalesce(head_position, 0);
    FOR r IN
        WITH batch AS (
            SELECT notification_id, originator_id, originator_version,
                   ledger.event_digest(originator_id, originator_version, topic, state) AS digest,
                   row_number() OVER (ORDER BY notification_id) AS rn
              FROM new_rows
        ), linked AS (
            SELECT batch.*,
                   lag(rn) OVER claim AS previous_rn,
                   lag(originator_version) OVER claim AS previous_version
              FROM batch WINDOW claim AS (PARTITION BY originator_id ORDER BY originator_version)
        )
        SELECT l.notification_id, l.originator_id, l.originator_version, l.digest,
               CASE WHEN l.previous_version = l.originator_version - 1
                    AND l.previous_rn < l.rn THEN l.previous_rn END AS batch_previous,
               c.claim_hash AS chained_previous
          FROM linked l
          LEFT JOIN LATERAL (  -- an index probe per row, never a scan of the whole chain
                SELECT claim_hash FROM ledger.chain
                 WHERE originator_id = l.originator_id
                   AND originator_version = l.originator_version - 1
                 LIMIT 1) c ON true
         ORDER BY l.notification_id
    LOOP
        IF r.notification_id <= head_position THEN
            RAISE EXCEPTION 'ledger position % is not after the chain head %',
                r.notification_id, head_position
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        previous := coalesce(r.chained_previous, claim_hashes[r.batch_previous], zero);
        log := sha256(log || int8send(r.notification_id) || r.digest);
        n := n + 1;
        positions[n] := r.notification_id;
        oids[n] := r.originator_id;
        versions[n] := r.originator_version;
        event_hashes[n] := r.digest;
        claim_hashes[n] := sha256(previous || r.digest);
        log_hashes[n] := log;
        head_position := r.notification_id;
    END LOOP;
    INSERT INTO ledger.chain
    SELECT * FROM unnest(positions, oids, versions, event_hashes, claim_hashes, log_hashes);
    RETURN NULL;
END $$;
