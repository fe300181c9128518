-- Idempotency keys: the first response to each (user, key), replayed to retries.
-- depends: 0006.users
--
-- A row is inserted (state 'running') before the command runs, so concurrent
-- retries find it and wait; the response is stored when the command finishes.
-- A 'running' row whose lease expired (its process died) may be taken over.
CREATE TABLE api.idempotency_keys (
    user_name text NOT NULL,
    key text NOT NULL,
    request_sha256 text NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'done')),
    owner uuid NOT NULL,
    status_code int,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz NOT NULL,
    PRIMARY KEY (user_name, key)
);
