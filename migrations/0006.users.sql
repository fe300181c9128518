-- API users and their bearer tokens.
-- depends: 0005.sla
--
-- Tokens are 256-bit random strings shown once; only their SHA-256 digest is
-- kept, so a leak of this table does not leak a usable token. The name is the
-- user id recorded as the actor of every event, so it is never reused.
CREATE SCHEMA IF NOT EXISTS api;

CREATE TABLE api.users (
    name text PRIMARY KEY,
    role text NOT NULL,
    token_sha256 text NOT NULL CONSTRAINT users_token_sha256_key UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
