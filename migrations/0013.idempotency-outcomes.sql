-- Idempotency outcomes written with the events: exactly-once keyed commands.
-- depends: 0007.idempotency
--
-- The transaction that appends a keyed request's events also marks its key's row
-- 'committed' and records the events' positions there, so after a crash the retry
-- finds either nothing recorded (the row is still 'running': it runs) or the
-- events and their pointer (it rebuilds the answer from them, never runs again).
-- Rows older than the retention setting (SANBAO_IDEMPOTENCY_RETENTION, 24 h by
-- default) are deleted; created_at is indexed for that.
ALTER TABLE api.idempotency_keys ADD COLUMN IF NOT EXISTS positions bigint[];
ALTER TABLE api.idempotency_keys DROP CONSTRAINT IF EXISTS idempotency_keys_state_check;
ALTER TABLE api.idempotency_keys ADD CONSTRAINT idempotency_keys_state_check
    CHECK (state IN ('running', 'committed', 'done'));
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON api.idempotency_keys (created_at);
