-- The ledger is append-only: its events, chain, checkpoints and verifications refuse change.
-- depends: 0008.ledger-chain
--
-- Triggers refuse every UPDATE, DELETE and TRUNCATE statement on these tables,
-- whoever runs it. Only the tables' owner (or a superuser) can disable or drop
-- a trigger: the service runs as a role that owns nothing (README, "Least
-- privilege"), so for it the ledger can only grow. An owner or a superuser can
-- still change anything; what verification then finds, and what it cannot, is
-- listed in the README ("Tampering: what is detected").
--
-- The events table belongs to the eventsourcing library, which creates it when
-- the ledger first opens: ledger.attach (replaced here) installs the same
-- trigger on it, as it installs the chain's.
--
-- The chain's trigger (replaced here, otherwise as in 0008) also refuses an INSERT
-- made without the EXCLUSIVE lock every writer of the ledger takes (the event
-- store, the import): a plain INSERT by hand was chained as if the ledger had
-- written it, and could commit out of position order. One that takes the lock
-- first is chained like the ledger's own writes: the README says so.

CREATE FUNCTION ledger.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA,
        TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER ledger_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger.chain
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER ledger_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER ledger_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger.verifications
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

-- As 0008's, and also installs the append-only trigger on the events table (once).
CREATE OR REPLACE FUNCTION ledger.attach(events regclass, snapshots regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    chained bigint := 0;
    head bigint;
    row record;
BEGIN
    EXECUTE format('LOCK TABLE %s IN EXCLUSIVE MODE', events);
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                    WHERE tgrelid = events AND tgname = 'ledger_chain_append') THEN
        SELECT coalesce(max(notification_id), 0) INTO head FROM ledger.chain;
        FOR row IN EXECUTE format(
            'SELECT notification_id, originator_id, originator_version, topic, state '
            'FROM %s WHERE notification_id > $1 ORDER BY notification_id', events) USING head
        LOOP
            PERFORM ledger.chain_append(row.notification_id, row.originator_id,
                                        row.originator_version, row.topic, row.state);
            chained := chained + 1;
        END LOOP;
        EXECUTE format('CREATE TRIGGER ledger_chain_append AFTER INSERT ON %s '
                       'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
                       'EXECUTE FUNCTION ledger.on_events_insert()', events);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                    WHERE tgrelid = events AND tgname = 'ledger_append_only') THEN
        EXECUTE format('CREATE TRIGGER ledger_append_only '
                       'BEFORE UPDATE OR DELETE OR TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()', events);
    END IF;
    IF snapshots IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM pg_trigger
             WHERE tgrelid = snapshots AND tgname = 'ledger_snapshot_hash') THEN
        EXECUTE format('INSERT INTO ledger.snapshot_hashes '
                       'SELECT originator_id, originator_version, '
                       'ledger.snapshot_digest(originator_id, originator_version, topic, state) '
                       'FROM %s ON CONFLICT DO NOTHING', snapshots);
        EXECUTE format('CREATE TRIGGER ledger_snapshot_hash AFTER INSERT ON %s '
                       'FOR EACH ROW EXECUTE FUNCTION ledger.on_snapshot_insert()', snapshots);
    END IF;
    RETURN chained;
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
    IF NOT EXISTS (SELECT 1 FROM pg_locks
                    WHERE locktype = 'relation' AND relation = TG_RELID
                      AND pid = pg_backend_pid() AND mode = 'ExclusiveLock' AND granted) THEN
        RAISE EXCEPTION 'an INSERT into % without the ledger writers'' EXCLUSIVE lock is refused',
            TG_RELID::regclass USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A few rows (one command's save): row by row is cheaper than planning the batch query.
    IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 5) AS few) <= 4 THEN
        FOR r IN SELECT notification_id, originator_id, originator_version, topic, state
                   FROM new_rows ORDER BY notification_id LOOP
            PERFORM ledger.chain_append(r.notification_id, r.originator_id,
                                        r.originator_version, r.topic, r.state);
        END LOOP;
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
