-- Supervisor console sessions: one row per signed-in browser.
-- depends: 0006.users
--
-- The browser holds a random session id in an HTTP-only cookie; only its SHA-256
-- digest is kept here, so a leak of this table does not leak a usable session.
-- The CSRF token is the synchronizer token every console form must send back.
-- Sessions end at sign-out, at expiry, or when the user's token is revoked
-- (every lookup joins the active user).
CREATE TABLE api.ui_sessions (
    id_sha256 text PRIMARY KEY,
    user_name text NOT NULL REFERENCES api.users (name),
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX ui_sessions_expires_at ON api.ui_sessions (expires_at);
