"""Evidence files in PostgreSQL (``evidence.files``), content-addressed by SHA-256.

A file is stored once per digest (and per sealing customer): attaching the same
photo twice stores it once. A file that may hold personal data (an invoice) is
stored sealed with AES-256-GCM under the customer's own key (the key that seals
their name and phone, ``storage.customer_keys``), bound to the customer id and
the digest (associated data). Erasing the customer destroys that key: the
stored ciphertext can no longer be opened by anyone (crypto-shredding), and
``shred`` deletes it as well. ``verify`` re-reads every stored file and checks
it still hashes to its digest (a sealed one is opened first; one whose key was
destroyed is counted as shredded, not as damaged).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.postgres import PostgresDatastore

from domain.errors import SealedDataError

NONCE_BYTES = 12
KeyOf = Callable[[str], bytes | None]

INSERT = """
INSERT INTO evidence.files (sha256, sealed_for, media_type, size, content)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (sha256, sealed_for) DO NOTHING
"""
SELECT = "SELECT content FROM evidence.files WHERE sha256 = %s AND sealed_for = %s"


def _associated(sha256: str, customer_id: str) -> bytes:
    return f"sanbao-evidence:{customer_id}:{sha256}".encode()


def seal_file(content: bytes, sha256: str, customer_id: str, key: bytes) -> bytes:
    """The content encrypted under the customer's key: nonce + ciphertext."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, content, _associated(sha256, customer_id))


def open_file(stored: bytes, sha256: str, customer_id: str, key: bytes) -> bytes:
    """The plaintext of a sealed file; SealedDataError if it does not open with the key."""
    try:
        return AESGCM(key).decrypt(
            stored[:NONCE_BYTES], stored[NONCE_BYTES:], _associated(sha256, customer_id)
        )
    except InvalidTag:
        raise SealedDataError(
            f"evidence {sha256[:12]}: does not open with customer {customer_id}'s key"
        ) from None


@dataclass
class EvidenceCheck:
    """What ``verify`` found: files checked, shredded (key destroyed) and damaged."""

    checked: int = 0
    shredded: int = 0
    damaged: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.damaged


class EvidenceFiles:
    """Stores and reads evidence files in the ledger's database."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def store(
        self,
        content: bytes,
        sha256: str,
        media_type: str,
        sealed_for: str = "",
        key: bytes | None = None,
    ) -> bool:
        """Keeps the file (once per digest and customer), sealed when a key is given;
        True when this call stored it (False: it was stored already)."""
        if hashlib.sha256(content).hexdigest() != sha256:
            raise ValueError("the digest does not match the content")
        if (key is None) != (sealed_for == ""):
            raise ValueError("a sealed file names its customer and their key, a plain one neither")
        stored = seal_file(content, sha256, sealed_for, key) if key is not None else content
        with self.datastore.get_connection() as conn:  # autocommit: stored before the event
            cursor = conn.execute(INSERT, (sha256, sealed_for, media_type, len(content), stored))
            return cursor.rowcount == 1

    def discard(self, sha256: str, sealed_for: str = "") -> None:
        """Removes a file this process just stored for an upload the claim then refused."""
        with self.datastore.get_connection() as conn:
            conn.execute(
                "DELETE FROM evidence.files WHERE sha256 = %s AND sealed_for = %s",
                (sha256, sealed_for),
            )

    def read(self, sha256: str, sealed_for: str = "", key: bytes | None = None) -> bytes | None:
        """The file's bytes; None when it is not stored (or was shredded).

        A sealed file needs its customer's key; SealedDataError if it does not open.
        """
        with self.datastore.get_connection() as conn:
            row = conn.execute(SELECT, (sha256, sealed_for)).fetchone()
        if row is None:
            return None
        stored = bytes(row["content"])
        if not sealed_for:
            return stored
        if key is None:
            return None
        return open_file(stored, sha256, sealed_for, key)

    def shred(self, customer_id: str) -> int:
        """Deletes the files sealed for an erased customer; how many there were."""
        with self.datastore.get_connection() as conn:
            cursor = conn.execute(
                "DELETE FROM evidence.files WHERE sealed_for = %s", (customer_id,)
            )
            return cursor.rowcount

    def verify(self, key_of: KeyOf) -> EvidenceCheck:
        """Re-reads every stored file: each must still hash to its digest."""
        check = EvidenceCheck()
        keys: dict[str, bytes | None] = {}
        with self.datastore.get_connection() as conn, conn.transaction():
            with conn.cursor(name="evidence_verify") as cursor:
                cursor.execute(
                    "SELECT sha256, sealed_for, content FROM evidence.files ORDER BY sha256"
                )
                for row in cursor:
                    sha256, sealed_for = str(row["sha256"]), str(row["sealed_for"])
                    content = bytes(row["content"])
                    check.checked += 1
                    if sealed_for:
                        if sealed_for not in keys:
                            keys[sealed_for] = key_of(sealed_for)
                        key = keys[sealed_for]
                        if key is None:
                            check.shredded += 1
                            continue
                        try:
                            content = open_file(content, sha256, sealed_for, key)
                        except SealedDataError:
                            check.damaged.append(sha256)
                            continue
                    if hashlib.sha256(content).hexdigest() != sha256:
                        check.damaged.append(sha256)
        return check
