"""Signed checkpoints of the log head (Ed25519).

A checkpoint says: up to ``position`` the log hash was ``log_hash``; the
``events`` log entries after the previous checkpoint (``from_position``,
exclusive) have the Merkle root ``merkle_root``; the previous checkpoint's body
hashed to ``previous``. The signed bytes are the body as canonical JSON (sorted
keys, no spaces, ASCII), stored as they were signed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "sanbao-ledger-checkpoint/1"


@dataclass(frozen=True)
class CheckpointBody:
    """What a checkpoint asserts (hashes in lowercase hex)."""

    seq: int
    position: int
    from_position: int
    events: int
    log_hash: str
    merkle_root: str
    previous: str
    created_at: str
    format: str = FORMAT

    def canonical(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode("ascii")

    def digest(self) -> str:
        """What the next checkpoint names as ``previous``."""
        return sha256(self.canonical()).hexdigest()

    @classmethod
    def parse(cls, text: str) -> CheckpointBody:
        """The body of stored or shipped checkpoint text; ValueError when malformed."""
        try:
            fields = json.loads(text)
            body = cls(**fields)
        except (TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"not a checkpoint body: {error}") from None
        if body.format != FORMAT or body.canonical().decode("ascii") != text:
            raise ValueError("checkpoint body is not in canonical form")
        return body


@dataclass(frozen=True)
class SignedCheckpoint:
    body: CheckpointBody
    text: str  # the exact signed text
    signature: bytes

    def signed_by(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(self.signature, self.text.encode("ascii"))
        except InvalidSignature:
            return False
        return True


def signing_key(seed_b64: str) -> Ed25519PrivateKey:
    """The private key from its base64 32-byte seed; ValueError when it is not one."""
    try:
        seed = base64.b64decode(seed_b64, validate=True)
    except ValueError:
        raise ValueError("the signing key is not base64") from None
    if len(seed) != 32:
        raise ValueError("the signing key must be a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    """A public key from base64 raw bytes; ValueError when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise ValueError("not a base64 Ed25519 public key") from None


def sign(body: CheckpointBody, key: Ed25519PrivateKey) -> SignedCheckpoint:
    text = body.canonical().decode("ascii")
    return SignedCheckpoint(body, text, key.sign(text.encode("ascii")))
