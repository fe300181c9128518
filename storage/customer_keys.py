"""Customers' keys in PostgreSQL (``privacy.customer_keys``), wrapped by a master key.

Each customer's AES-256 key is stored encrypted (AES-GCM, bound to the customer
id) under the master key the service is configured with, so the table, a dump
or a backup reveals nothing without it. Erasure sets the wrapped key to NULL:
the row stays as the record of who erased the customer and when, and the
sealed data in the events can never be opened again. ``customer_claims``
notes every claim a key sealed data for, so erasure can find the claims.

Keys are read from the table on every use, never cached: an erasure in one
process takes effect in every other at once.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.postgres import PostgresDatastore

from domain.errors import CustomerErasedError, CustomerNotFoundError, SealedDataError
from domain.personal_data import KEY_BYTES, NONCE_BYTES, ErasedKey


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
        return ErasedKey(customer_id, row["erased_at"], row["erased_by"], claim_ids, newly)

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
