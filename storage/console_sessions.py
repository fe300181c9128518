"""Console sessions, kept in ``api.ui_sessions``: sign in with a token, then a cookie.

Signing in verifies the bearer token once (``UserStore.verify``) and opens a
session: a random id (256 bits) goes to the browser in an HTTP-only cookie, and
only its SHA-256 digest is stored, with the CSRF token every console form must
send back (synchronizer token). A lookup is one indexed query that also checks
the user is still active, so revoking a user's token ends their sessions too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from eventsourcing.postgres import PostgresDatastore

from domain.vocabulary import Role
from storage.users import User, token_digest

SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class Session:
    """A signed-in user and the CSRF token of their forms."""

    user: User
    csrf_token: str

    def csrf_matches(self, token: str | None) -> bool:
        return token is not None and secrets.compare_digest(token, self.csrf_token)


class SessionStore:
    """Opens, looks up and closes console sessions on the ledger's connection pool."""

    def __init__(self, datastore: PostgresDatastore, lifetime: timedelta = SESSION_LIFETIME):
        self.datastore = datastore
        self.lifetime = lifetime

    def open(self, user: User) -> tuple[str, Session]:
        """A new session for the user: its id (for the cookie, shown once) and the session."""
        session_id = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        with self.datastore.get_connection() as conn:
            # Expired sessions are swept here, on the rare write, not on every read.
            conn.execute("DELETE FROM api.ui_sessions WHERE expires_at < now()")
            conn.execute(
                "INSERT INTO api.ui_sessions (id_sha256, user_name, csrf_token, expires_at)"
                " VALUES (%s, %s, %s, now() + %s)",
                (token_digest(session_id), user.name, csrf_token, self.lifetime),
            )
        return session_id, Session(user, csrf_token)

    def get(self, session_id: str) -> Session | None:
        """The live session with this id, or None (unknown, expired, or user revoked)."""
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT u.name, u.role, s.csrf_token FROM api.ui_sessions s"
                " JOIN api.users u ON u.name = s.user_name AND u.revoked_at IS NULL"
                " WHERE s.id_sha256 = %s AND s.expires_at > now()",
                (token_digest(session_id),),
            ).fetchone()
        if row is None:
            return None
        return Session(User(row["name"], Role(row["role"])), row["csrf_token"])

    def close(self, session_id: str) -> None:
        """Ends the session (sign-out); the cookie is useless afterwards."""
        with self.datastore.get_connection() as conn:
            conn.execute(
                "DELETE FROM api.ui_sessions WHERE id_sha256 = %s", (token_digest(session_id),)
            )
