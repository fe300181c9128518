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
