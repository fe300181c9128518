"""Webhook signing secrets: made at random, shown once, stored sealed.

Signing needs the secret itself, so it is kept, but never in the clear: it is
sealed with AES-256-GCM under the webhook key (``SANBAO_WEBHOOK_KEY``, or the
file ``<data_dir>/webhook-secrets.key`` made on first use, mode 0600), bound to
the subscription's id (associated data), so a sealed secret copied onto another
subscription does not open. A database dump alone does not give the secrets.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.key_files import decode_key, key_text, new_key_text

KEY_FILE = "webhook-secrets.key"
SECRET_BYTES = 24
NONCE_BYTES = 12
PREFIX = "whsec_"  # the Standard Webhooks spelling of a secret


def webhook_key(configured: str | None, data_dir: Path) -> bytes:
    """The key sealing the webhooks' secrets (configured, or the data directory's file)."""
    path = data_dir / KEY_FILE
    source = "SANBAO_WEBHOOK_KEY" if configured is not None else str(path)
    return decode_key(key_text(configured, path, new_key_text), source)


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` and base64, as Standard Webhooks libraries take it."""
    return PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


class SecretBox:
    """Seals and opens secrets under the webhook key."""

    def __init__(self, key: bytes) -> None:
        self.aead = AESGCM(key)

    def seal(self, webhook_id: UUID, secret: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self.aead.encrypt(nonce, secret.encode(), webhook_id.bytes)

    def open(self, webhook_id: UUID, sealed: bytes) -> str:
        """The secret; cryptography's InvalidTag when the key or the id is not the sealing one."""
        plain = self.aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], webhook_id.bytes)
        return plain.decode()
