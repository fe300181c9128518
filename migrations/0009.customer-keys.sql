-- Per-customer keys for personal data, and which claims each customer's data sealed.
-- depends: 0007.idempotency
--
-- A customer's name, phone, email and address are stored in the claim events only
-- as AES-256-GCM ciphertext under that customer's own key. The key is kept here,
-- wrapped (encrypted) by the master key from the settings, so neither this table
-- nor a dump of the database reveals anything without the master key.
-- Erasure destroys the key (wrapped_key becomes NULL) and keeps the row as the
-- record of when and by whom; the events themselves are never changed.
CREATE SCHEMA IF NOT EXISTS privacy;

CREATE TABLE privacy.customer_keys (
    customer_id   text PRIMARY KEY,
    wrapped_key   bytea,               -- NULL once erased
    master_key_id text NOT NULL,       -- which master key wrapped it (a digest, not the key)
    created_at    timestamptz NOT NULL DEFAULT now(),
    erased_at     timestamptz,
    erased_by     text,
    CONSTRAINT customer_keys_erased CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
);

-- Every claim a customer's key sealed data for: erasure finds the claims here.
CREATE TABLE privacy.customer_claims (
    customer_id  text NOT NULL REFERENCES privacy.customer_keys,
    claim_id     uuid NOT NULL,
    claim_number text NOT NULL,
    PRIMARY KEY (customer_id, claim_id)
);
CREATE INDEX customer_claims_claim ON privacy.customer_claims (claim_id);
