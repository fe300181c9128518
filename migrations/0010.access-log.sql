-- The access log: every response that carried a claim's personal data.
-- depends: 0009.customer-keys
--
-- A row is inserted and committed before the response is sent, so no personal
-- data leaves the service unrecorded. Rows are never changed or deleted: the
-- triggers refuse UPDATE, DELETE and TRUNCATE (an owner can still drop them, so
-- this guards against mistakes; the hash-chained ledger is the tamper evidence).
CREATE TABLE privacy.access_log (
    id          bigserial PRIMARY KEY,   -- the keyset for paging, newest first
    accessed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,           -- user id
    role        text NOT NULL,
    claim_id    uuid NOT NULL,
    customer_id text,
    fields      text[] NOT NULL,         -- e.g. {name,phone,email,address}
    disclosure  text NOT NULL CHECK (disclosure IN ('masked', 'revealed')),
    route       text NOT NULL,           -- e.g. GET /api/v1/claims/{claim_id}
    request_id  text
);

CREATE INDEX access_log_claim ON privacy.access_log (claim_id, id);
CREATE INDEX access_log_actor ON privacy.access_log (actor, id);
CREATE INDEX access_log_accessed_at ON privacy.access_log (accessed_at, id);

CREATE FUNCTION privacy.access_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON privacy.access_log
    FOR EACH ROW EXECUTE FUNCTION privacy.access_log_is_append_only();
CREATE TRIGGER access_log_no_truncate
    BEFORE TRUNCATE ON privacy.access_log
    FOR EACH STATEMENT EXECUTE FUNCTION privacy.access_log_is_append_only();
