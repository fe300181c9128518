"""API users and their bearer tokens, kept in ``api.users``.

A token is 32 random bytes from ``secrets`` (256 bits), shown once. Only its
SHA-256 digest is stored and looked up: a slow password hash (argon2, bcrypt)
protects low-entropy passwords against guessing, which a 256-bit random token
does not need, and a plain digest keeps each request's check to one indexed
lookup. Verified tokens are cached for a few seconds, so a revocation takes
effect within ``token_cache_seconds``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from eventsourcing.postgres import PostgresDatastore

from domain.errors import InvalidInputError
from domain.values import Actor
from domain.vocabulary import Role

TOKEN_PREFIX = "sbk_"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


@dataclass(frozen=True)
class User:
    """An authenticated user; the name is the user id recorded on events."""

    name: str
    role: Role

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)


@dataclass(frozen=True)
class UserRecord:
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    display_name: str = ""
    has_password: bool = False
    locked_until: datetime | None = None

    @property
    def shown_name(self) -> str:
        """The display name, or the user id when none was given."""
        return self.display_name or self.name


DISPLAY_NAME_LENGTH = 64


def checked_display_name(display_name: str) -> str:
    """The display name trimmed; refused when too long or holding control characters."""
    display_name = display_name.strip()
    if len(display_name) > DISPLAY_NAME_LENGTH:
        raise InvalidInputError("display_name", f"use at most {DISPLAY_NAME_LENGTH} characters")
    if any(not ch.isprintable() for ch in display_name):
        raise InvalidInputError("display_name", "use printable characters only")
    return display_name


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserStore:
    """Adds, revokes, lists and verifies users on the ledger's connection pool."""

    def __init__(self, datastore: PostgresDatastore, cache_seconds: float = 0.0) -> None:
        self.datastore = datastore
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, User]] = {}
        self._lock = threading.Lock()

    def add(self, name: str, role: Role, display_name: str = "") -> str:
        """Creates a user and returns their token (the only time it is shown)."""
        display_name = checked_display_name(display_name)
        if not NAME.fullmatch(name):
            raise InvalidInputError("name", "use 1-64 lowercase letters, digits, '.', '_', '-'")
        if role is Role.SYSTEM:
            raise InvalidInputError("role", "system is reserved for the ledger's own work")
        token = new_token()
        with self.datastore.get_connection() as conn:
            inserted = conn.execute(
                "INSERT INTO api.users (name, role, token_sha256, display_name)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO NOTHING",
                (name, role.value, token_digest(token), display_name),
            ).rowcount
        if not inserted:
            # Names are user ids on recorded events: never reused, even after revocation.
            raise InvalidInputError("name", f"user {name!r} exists (names are never reused)")
        return token

    def revoke(self, name: str) -> bool:
        """Revokes the user's token; False if no active user has that name."""
        with self.datastore.get_connection() as conn:
            revoked = conn.execute(
                "UPDATE api.users SET revoked_at = now() WHERE name = %s AND revoked_at IS NULL",
                (name,),
            ).rowcount
        with self._lock:
            self._cache.clear()
        return bool(revoked)

    def reset_token(self, name: str) -> str | None:
        """Gives an active user a new token (the old one stops working); None if there is none."""
        token = new_token()
        with self.datastore.get_connection() as conn:
            replaced = conn.execute(
                "UPDATE api.users SET token_sha256 = %s WHERE name = %s AND revoked_at IS NULL",
                (token_digest(token), name),
            ).rowcount
        with self._lock:
            self._cache.clear()
        return token if replaced else None

    def set_display_name(self, name: str, display_name: str) -> bool:
        """Names the user as people see them; False if no active user has that name."""
        display_name = checked_display_name(display_name)
        with self.datastore.get_connection() as conn:
            changed = conn.execute(
                "UPDATE api.users SET display_name = %s WHERE name = %s AND revoked_at IS NULL",
                (display_name, name),
            ).rowcount
        return bool(changed)

    def display_names(self) -> dict[str, str]:
        """Every user id with a display name, mapped to it (revoked users too: they acted)."""
        with self.datastore.get_connection() as conn:
            rows = conn.execute(
                "SELECT name, display_name FROM api.users WHERE display_name <> ''"
            ).fetchall()
        return {row["name"]: row["display_name"] for row in rows}

    def list(self) -> list[UserRecord]:
        with self.datastore.get_connection() as conn:
            rows = conn.execute(
                "SELECT name, role, created_at, revoked_at, display_name,"
                " password_hash IS NOT NULL AS has_password,"
                " CASE WHEN locked_until > now() THEN locked_until END AS locked_until"
                " FROM api.users ORDER BY name"
            ).fetchall()
        return [UserRecord(**row) for row in rows]

    def exists(self) -> bool:
        """True once any user was ever created (active or revoked)."""
        with self.datastore.get_connection() as conn:
            row = conn.execute("SELECT EXISTS (SELECT 1 FROM api.users) AS any").fetchone()
        return bool(row and row["any"])

    def active_user(self, name: str) -> User | None:
        """The active (not revoked) user with that name, or None."""
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT name, role FROM api.users WHERE name = %s AND revoked_at IS NULL", (name,)
            ).fetchone()
        return None if row is None else User(row["name"], Role(row["role"]))

    def cached(self, token: str) -> User | None:
        """The user holding the token if it was verified moments ago (no database access)."""
        with self._lock:
            cached = self._cache.get(token_digest(token))
        if cached and cached[0] > time.monotonic():
            return cached[1]
        return None

    def verify(self, token: str) -> User | None:
        """The active user holding the token, or None."""
        if (user := self.cached(token)) is not None:
            return user
        digest = token_digest(token)
        now = time.monotonic()
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT name, role FROM api.users WHERE token_sha256 = %s AND revoked_at IS NULL",
                (digest,),
            ).fetchone()
        if row is None:
            return None
        user = User(row["name"], Role(row["role"]))
        if self.cache_seconds > 0:
            with self._lock:
                self._cache[digest] = (now + self.cache_seconds, user)
        return user
