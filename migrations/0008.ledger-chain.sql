-- The tamper-evident ledger: a hash chain over the event log, signed checkpoints, verifications.
-- depends: 0007.idempotency
--
-- The events table belongs to the eventsourcing library, which creates it when
-- the ledger first opens (after these migrations run). So this migration only
-- creates the chain's own tables and functions; ledger.attach(events, snapshots)
-- installs the triggers (and chains any events written before) once the
-- library's tables exist: the ledger calls it every time it opens.
--
-- Encoding (mirrored in domain/integrity/hashing.py; change both or neither):
--   event_hash = sha256('sanbao.event.v1' || uuid || int8 version
--                       || int4 len(topic) || topic (UTF-8) || int4 len(state) || state)
--   claim_hash = sha256(claim_hash of version - 1 (32 zero bytes for none) || event_hash)
--   log_hash   = sha256(previous log_hash (32 zero bytes at the start) || int8 position || event_hash)
--   snapshot_hash: as event_hash, tagged 'sanbao.snapshot.v1'
CREATE SCHEMA IF NOT EXISTS ledger;

CREATE TABLE ledger.chain (
    notification_id    bigint PRIMARY KEY,   -- the ledger position
    originator_id      uuid   NOT NULL,      -- the claim, as recorded when written
    originator_version bigint NOT NULL,
    event_hash         bytea  NOT NULL,
    claim_hash         bytea  NOT NULL,
    log_hash           bytea  NOT NULL,
    CONSTRAINT chain_claim_version UNIQUE (originator_id, originator_version)
);

-- Each snapshot's hash when it was written: a snapshot is a cache of the events,
-- and a changed one would change what loading a claim returns.
CREATE TABLE ledger.snapshot_hashes (
    originator_id      uuid   NOT NULL,
    originator_version bigint NOT NULL,
    snapshot_hash      bytea  NOT NULL,
    PRIMARY KEY (originator_id, originator_version)
);

-- Signed checkpoints of the log head; body is the exact signed text (canonical JSON).
CREATE TABLE ledger.checkpoints (
    seq        bigint      PRIMARY KEY,
    position   bigint      NOT NULL UNIQUE,
    body       text        NOT NULL,
    signature  bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The outcome of every verification run (the console shows the latest).
CREATE TABLE ledger.verifications (
    id             bigserial   PRIMARY KEY,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL,
    from_position  bigint      NOT NULL,
    to_position    bigint      NOT NULL,
    checked        bigint      NOT NULL,
    intact         boolean     NOT NULL,
    last_good      bigint      NOT NULL,
    head_hash      text        NOT NULL,
    signed_up_to   bigint,
    fault_kind     text,
    fault_position bigint,
    fault_claim    uuid,
    fault_detail   text,
    events_per_second double precision NOT NULL
);

CREATE FUNCTION ledger.row_digest(tag text, oid uuid, ver bigint, topic text, state bytea)
RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(
        convert_to(tag, 'UTF8') || uuid_send(oid) || int8send(ver)
        || int4send(octet_length(convert_to(coalesce(topic, ''), 'UTF8')))
        || convert_to(coalesce(topic, ''), 'UTF8')
        || int4send(octet_length(coalesce(state, ''::bytea))) || coalesce(state, ''::bytea))
$$;

CREATE FUNCTION ledger.event_digest(oid uuid, ver bigint, topic text, state bytea)
RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ledger.row_digest('sanbao.event.v1', oid, ver, topic, state)
$$;

-- Appends one event to the chain (attach uses it for events written before the
-- trigger). Writers hold the events table's EXCLUSIVE lock (the library takes
-- it), so appends are serial and follow position order; a row at or below the
-- chain head (a forged back-dated position) is refused.
CREATE FUNCTION ledger.chain_append(pos bigint, oid uuid, ver bigint, topic text, state bytea)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    zero CONSTANT bytea := decode(repeat('00', 32), 'hex');
    head_position bigint;
    head_hash bytea;
    previous_claim bytea;
    digest bytea;
BEGIN
    SELECT notification_id, log_hash INTO head_position, head_hash
      FROM ledger.chain ORDER BY notification_id DESC LIMIT 1;
    IF head_position IS NOT NULL AND pos <= head_position THEN
        RAISE EXCEPTION 'ledger position % is not after the chain head %', pos, head_position
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    SELECT claim_hash INTO previous_claim FROM ledger.chain
     WHERE originator_id = oid AND originator_version = ver - 1;
    digest := ledger.event_digest(oid, ver, topic, state);
    INSERT INTO ledger.chain VALUES (
        pos, oid, ver, digest,
        sha256(coalesce(previous_claim, zero) || digest),
        sha256(coalesce(head_hash, zero) || int8send(pos) || digest));
END $$;

-- Chains the rows one INSERT or COPY statement wrote (a statement-level trigger
-- with a transition table). Up to four rows are appended one by one; a larger
-- batch has its digests and each row's previous claim hash (already chained, or
-- earlier in this statement) found set-based, and only the two sequential folds
-- run row by row (about a third of the database time per event in 500-row saves).
CREATE FUNCTION ledger.on_events_insert() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE FUNCTION ledger.snapshot_digest(oid uuid, ver bigint, topic text, state bytea)
RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ledger.row_digest('sanbao.snapshot.v1', oid, ver, topic, state)
$$;

CREATE FUNCTION ledger.on_snapshot_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger.snapshot_hashes VALUES (
        NEW.originator_id, NEW.originator_version,
        ledger.snapshot_digest(NEW.originator_id, NEW.originator_version, NEW.topic, NEW.state))
    ON CONFLICT (originator_id, originator_version)
    DO UPDATE SET snapshot_hash = EXCLUDED.snapshot_hash;
    RETURN NULL;
END $$;

-- Installs the triggers on the library's tables (once) and chains the events
-- written before they existed, under the same lock the library's writers take.
CREATE FUNCTION ledger.attach(events regclass, snapshots regclass) RETURNS bigint
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
