"""Console passwords, kept in ``api.users``: argon2 hashes and the lock-out after failures.

A password is hashed with argon2id through ``pwdlib`` (its recommended
parameters; the PHC string carries them, so a later change of parameters still
verifies old hashes and rehashes them at the next sign-in). Failed sign-ins are
counted in PostgreSQL, one atomic UPDATE per failure, so every process of the
service sees one count: ``max_failures`` in a row lock the user out for
``lockout``, during which no password is even checked. A correct password, or a
supervisor setting a new one, sets the count back to zero.

An unknown name, a revoked user or a user without a password is refused in the
same words and after the same argon2 work as a wrong password, so sign-in does
not tell which names exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from eventsourcing.postgres import PostgresDatastore
from pwdlib import PasswordHash

from domain.errors import InvalidInputError
from domain.vocabulary import Role
from storage.users import User

MIN_LENGTH = 8
MAX_LENGTH = 256
HASHER = PasswordHash.recommended()
# Verified against when there is no hash to check, so a refusal always costs the same.
_DUMMY_HASH = HASHER.hash("no user has this password")


@dataclass(frozen=True)
class SignIn:
    """A password sign-in's outcome: the user, or why not (refused, or locked until when)."""

    user: User | None
    locked_until: datetime | None = None


def checked_password(password: str) -> str:
    """The password as given, refused if too short, too long or holding control characters."""
    if len(password) < MIN_LENGTH:
        raise InvalidInputError("password", f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInputError("password", f"use at most {MAX_LENGTH} characters")
    if any(not ch.isprintable() for ch in password):
        raise InvalidInputError("password", "use printable characters only")
    return password


class PasswordStore:
    """Sets passwords and signs users in with them, on the ledger's connection pool."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        max_failures: int = 5,
        lockout: timedelta = timedelta(minutes=15),
    ) -> None:
        self.datastore = datastore
        self.max_failures = max_failures
        self.lockout = lockout

    def set_password(self, name: str, password: str) -> bool:
        """Gives an active user a new password, lifts any lock-out and ends their console
        sessions (whoever knew the old password is signed out); False if no such user."""
        digest = HASHER.hash(checked_password(password))
        with self.datastore.transaction(commit=True) as cur:
            cur.execute(
                "UPDATE api.users SET password_hash = %s, failed_sign_ins = 0, locked_until = NULL"
                " WHERE name = %s AND revoked_at IS NULL",
                (digest, name),
            )
            changed = cur.rowcount
            if changed:
                cur.execute("DELETE FROM api.ui_sessions WHERE user_name = %s", (name,))
        return bool(changed)

    def sign_in(self, name: str, password: str) -> SignIn:
        """The active user if the password is theirs; a failure is counted (locks at the limit)."""
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT name, role, password_hash,"
                " CASE WHEN locked_until > now() THEN locked_until END AS locked_until"
                " FROM api.users WHERE name = %s AND revoked_at IS NULL",
                (name,),
            ).fetchone()
        if row is not None and row["locked_until"] is not None:
            return SignIn(None, row["locked_until"])
        stored = row["password_hash"] if row is not None else None
        valid, rehashed = HASHER.verify_and_update(password, stored or _DUMMY_HASH)
        if row is None or stored is None:
            return SignIn(None)
        if not valid:
            return SignIn(None, self._count_failure(name))
        with self.datastore.get_connection() as conn:
            conn.execute(
                "UPDATE api.users SET failed_sign_ins = 0, locked_until = NULL,"
                " password_hash = coalesce(%s, password_hash) WHERE name = %s",
                (rehashed, name),
            )
        return SignIn(User(row["name"], Role(row["role"])))

    def _count_failure(self, name: str) -> datetime | None:
        """Counts a failed sign-in; when it reaches the limit, the lock-out's end (else None)."""
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                "UPDATE api.users SET"
                " failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= %(limit)s THEN 0"
                "   ELSE failed_sign_ins + 1 END,"
                " locked_until = CASE WHEN failed_sign_ins + 1 >= %(limit)s"
                "   THEN now() + %(lockout)s ELSE locked_until END"
                " WHERE name = %(name)s AND revoked_at IS NULL"
                "   AND (locked_until IS NULL OR locked_until <= now())"
                " RETURNING CASE WHEN locked_until > now() THEN locked_until END AS locked_until",
                {"limit": self.max_failures, "lockout": self.lockout, "name": name},
            ).fetchone()
        return row["locked_until"] if row is not None else None
