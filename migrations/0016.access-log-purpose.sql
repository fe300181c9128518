-- A reveal names its purpose; reveals are counted per user for the hourly limit.
-- depends: 0010.access-log
--
-- purpose: the code of the purpose a reveal named (domain/reveal_purposes.py), NULL for
-- masked views. Rows written before this migration have none; NOT VALID leaves them
-- as they were (the log is append-only) and holds every new row to the rule.
ALTER TABLE privacy.access_log ADD COLUMN IF NOT EXISTS purpose text;

ALTER TABLE privacy.access_log
    ADD CONSTRAINT access_log_reveal_purpose
    CHECK (disclosure <> 'revealed' OR purpose IS NOT NULL) NOT VALID;

-- The reveal limit counts one user's reveals of the past hour on every reveal.
CREATE INDEX IF NOT EXISTS access_log_reveals
    ON privacy.access_log (actor, accessed_at) WHERE disclosure = 'revealed';
