"""Customers' keys in PostgreSQL (``privacy.customer_keys``), wrapped by a master key.

Each customer's AES-256 key is stored encrypted (AES-GCM, bound to the customer
id) under the master key the service is configured with, so the table, a dump
or a backup reveals nothing without it. Erasure sets the wrapped key to NULL:
the row stays as the record of who erased the customer and when, and the
sealed data in the events can never be opened again. ``customer_claims``
notes every claim a key sealed data for, so erasure can find the claims.

Keys are read from the table on every use, never cached: an erasure in one
process takes effect in every other at once.

An UPDATE leaves the row's previous version in the table's file until a
vacuum reclaims it, and even then its bytes may stay in the page's free space.
So erasure and re-wrapping end with ``purge_old_versions``: ``VACUUM (FULL)``
writes the live rows into a new file and drops the old one, and no copy of a
destroyed (or superseded) wrapped key is left in the table. It holds the table
exclusively for the rewrite (the table holds one short row per customer; see
the README's figure), waiting at most ``PURGE_LOCK_TIMEOUT`` for the lock.
Copies in WAL and backups are what master-key rotation is for.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from datetime import datetime
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection

from domain.errors import CustomerErasedError, CustomerNotFoundError, SealedDataError
from domain.personal_data import KEY_BYTES, NONCE_BYTES, ErasedKey

PURGE_LOCK_TIMEOUT = "10s"
PURGE_WAIT_SECONDS = 10.0
FILENODE = "SELECT pg_relation_filenode('privacy.customer_keys') AS filenode"
# Every transaction id below xmax has begun before this statement: the changes
# committed so far are older than it.
HORIZON = "SELECT pg_snapshot_xmax(pg_current_snapshot()) AS xmax"
# Whether every transaction that could still see a row version replaced before the
# horizon has ended: those holding an older transaction id (any database: cautious),
# and those of this database holding an older snapshot (the sessions this role may
# see; another database's snapshots do not hold this one's rows).
OLDER_TRANSACTIONS_ENDED = (
    "SELECT pg_snapshot_xmin(pg_current_snapshot()) >= %(horizon)s AND NOT EXISTS ("
    " SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
    " AND datname = current_database() AND backend_xmin IS NOT NULL"
    " AND age(backend_xmin) > age(%(horizon32)s::text::xid)) AS ended"
)
logger = logging.getLogger(__name__)


def master_key_id(master_key: bytes) -> str:
    """A short digest naming a master key (never the key) to tell keys apart."""
    return hashlib.sha256(b"sanbao-personal-data-master:" + master_key).hexdigest()[:16]


class PostgresCustomerKeys:
    """``CustomerKeys`` on the ledger's database."""

    def __init__(self, datastore: PostgresDatastore, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise ValueError(f"the master key must be {KEY_BYTES} bytes")
        self.datastore = datastore
        self.master = AESGCM(master_key)
        self.master_key_id = master_key_id(master_key)

    def _wrap(self, customer_id: str, key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self.master.encrypt(nonce, key, customer_id.encode())

    def _unwrap(self, customer_id: str, wrapped: bytes, wrapped_by: str) -> bytes:
        if wrapped_by != self.master_key_id:
            raise SealedDataError(
                f"the key of customer {customer_id} was wrapped by master key {wrapped_by}, "
                f"this service has {self.master_key_id}: set SANBAO_PERSONAL_DATA_KEY to it"
            )
        try:
            return self.master.decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], customer_id.encode()
            )
        except InvalidTag:
            raise SealedDataError(f"the key of customer {customer_id} was altered") from None

    def key_for_claim(self, customer_id: str, claim_id: UUID, claim_number: str) -> bytes:
        """The customer's key (made on first use), noting the claim it seals data for."""
        wrapped = self._wrap(customer_id, AESGCM.generate_key(KEY_BYTES * 8))
        # One round trip (pipelined) for the whole transaction: this runs on every report.
        with self.datastore.get_connection() as conn, conn.pipeline(), conn.transaction():
            # No flush of its own: the claim's events are saved after this returns, and
            # their synchronous commit flushes the log up to and past this commit record
            # (one WAL stream), so a stored claim never outlives its key in a crash.
            # A key lost with a claim that was never stored seals nothing.
            conn.execute("SET LOCAL synchronous_commit = off")
            conn.execute(
                "INSERT INTO privacy.customer_keys (customer_id, wrapped_key, master_key_id)"
                " VALUES (%s, %s, %s) ON CONFLICT (customer_id) DO NOTHING",
                (customer_id, wrapped, self.master_key_id),
            )
            # A new statement sees a concurrent first insert once it committed; the
            # share lock holds an erasure back until this claim is noted.
            found = conn.execute(
                "SELECT wrapped_key, master_key_id FROM privacy.customer_keys"
                " WHERE customer_id = %s FOR SHARE",
                (customer_id,),
            )
            conn.execute(
                "INSERT INTO privacy.customer_claims (customer_id, claim_id, claim_number)"
                " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (customer_id, claim_id, claim_number),
            )
            row = found.fetchone()
            assert row is not None
            if row["wrapped_key"] is None:
                raise CustomerErasedError(customer_id)  # rolls the claim's note back too
        return self._unwrap(customer_id, bytes(row["wrapped_key"]), row["master_key_id"])

    def key_of(self, customer_id: str) -> bytes | None:
        """The customer's key; None once erased (or for a customer never seen)."""
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT wrapped_key, master_key_id FROM privacy.customer_keys"
                " WHERE customer_id = %s",
                (customer_id,),
            ).fetchone()
        if row is None or row["wrapped_key"] is None:
            return None
        return self._unwrap(customer_id, bytes(row["wrapped_key"]), row["master_key_id"])

    def erase(self, customer_id: str, erased_by: str, at: datetime) -> ErasedKey:
        """Destroys the customer's key (once); lists the claims it sealed data for."""
        with self.datastore.transaction(commit=True) as cur:
            row = cur.execute(
                "UPDATE privacy.customer_keys SET wrapped_key = NULL, erased_at = %s,"
                " erased_by = %s WHERE customer_id = %s AND wrapped_key IS NOT NULL"
                " RETURNING erased_at, erased_by",
                (at, erased_by, customer_id),
            ).fetchone()
            newly = row is not None
            if row is None:
                row = cur.execute(
                    "SELECT erased_at, erased_by FROM privacy.customer_keys WHERE customer_id = %s",
                    (customer_id,),
                ).fetchone()
            if row is None:
                raise CustomerNotFoundError(customer_id)
            claims = cur.execute(
                "SELECT claim_id FROM privacy.customer_claims WHERE customer_id = %s"
                " ORDER BY claim_number",
                (customer_id,),
            ).fetchall()
        claim_ids = tuple(c["claim_id"] for c in claims)
        # Every time, not only the first: an erasure retried after a failed purge purges.
        self.purge_old_versions()
        return ErasedKey(customer_id, row["erased_at"], row["erased_by"], claim_ids, newly)

    def purge_old_versions(self, wait_seconds: float = PURGE_WAIT_SECONDS) -> bool:
        """Rewrites the key table so that its file holds no old row version; True if done.

        A row version stays (as "recently dead") while any transaction that began
        before it was replaced still runs, in any database of the server: first
        wait, up to ``wait_seconds``, until every such transaction ended.
        PostgreSQL lets only the table's owner (or a superuser) rewrite it; for
        another role it skips the table with a warning. Either way this returns
        False, and ``sanbao keys purge`` can be run later. Raises psycopg's
        LockNotAvailable when the table stays locked past ``PURGE_LOCK_TIMEOUT``.
        """
        with self.datastore.get_connection() as conn:
            horizon = conn.execute(HORIZON).fetchone()
            assert horizon is not None
            deadline = time.monotonic() + wait_seconds
            while not (clear := _older_transactions_ended(conn, horizon["xmax"])):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            before = _filenode(conn)
            conn.execute(f"SET lock_timeout = '{PURGE_LOCK_TIMEOUT}'")
            try:
                conn.execute("VACUUM (FULL) privacy.customer_keys")
            finally:
                conn.execute("RESET lock_timeout")
            rewritten = _filenode(conn) != before
        if not (clear and rewritten):
            logger.warning(
                "old versions of privacy.customer_keys rows may remain (%s): "
                "run `sanbao keys purge` as the table's owner",
                "not the table's owner" if not rewritten else "older transactions still ran",
            )
        return clear and rewritten

    def rewrap(self, new_master_key: bytes) -> int:
        """Wraps every live key under a new master key, in one transaction; returns how many.

        Once the old master key is destroyed, the copies of keys it wrapped (old row
        versions, WAL, backups, keys of customers erased since) can never be opened.
        Processes still holding the old master key must restart with the new one.
        """
        successor = PostgresCustomerKeys(self.datastore, new_master_key)
        with self.datastore.transaction(commit=True) as cur:
            rows = cur.execute(
                "SELECT customer_id, wrapped_key, master_key_id FROM privacy.customer_keys"
                " WHERE wrapped_key IS NOT NULL FOR UPDATE"
            ).fetchall()
            rewrapped = [
                (
                    successor._wrap(
                        row["customer_id"],
                        self._unwrap(
                            row["customer_id"], bytes(row["wrapped_key"]), row["master_key_id"]
                        ),
                    ),
                    successor.master_key_id,
                    row["customer_id"],
                )
                for row in rows
            ]
            cur.executemany(
                "UPDATE privacy.customer_keys SET wrapped_key = %s, master_key_id = %s"
                " WHERE customer_id = %s",
                rewrapped,
            )
        return len(rewrapped)

    def foreign_master_keys(self) -> list[str]:
        """Ids of master keys other than ours that wrapped live keys (a misconfiguration)."""
        with self.datastore.get_connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT master_key_id FROM privacy.customer_keys"
                " WHERE wrapped_key IS NOT NULL AND master_key_id <> %s",
                (self.master_key_id,),
            ).fetchall()
        return [r["master_key_id"] for r in rows]


def _filenode(conn: Connection[Any]) -> int:
    row = conn.execute(FILENODE).fetchone()
    assert row is not None
    return int(row["filenode"])


def _older_transactions_ended(conn: Connection[Any], horizon: Any) -> bool:
    params = {"horizon": horizon, "horizon32": int(str(horizon)) % 2**32}
    row = conn.execute(OLDER_TRANSACTIONS_ENDED, params).fetchone()
    assert row is not None
    return bool(row["ended"])
