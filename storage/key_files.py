"""The service's two keys: from a setting, or generated once into a file in the data directory.

- The personal-data master key wraps every customer's key
  (``SANBAO_PERSONAL_DATA_KEY``, 32 bytes as base64, else ``personal-data.key``).
  Losing that file makes every sealed customer unreadable, as if erased: back it
  up apart from the database.
- The ledger's signing key signs its checkpoints (``SANBAO_LEDGER_SIGNING_KEY``,
  a base64 Ed25519 seed, else ``ledger-signing.key``);
  ``sanbao ledger public-key`` prints the public half for auditors.

The setting is the production way: the same key must reach every process that
opens the ledger. The file is the zero-configuration way on one machine, like
the embedded PostgreSQL's data. ``write_key_file`` is the one writer of both.

``rotate_master_key`` re-wraps every customer's key under a new master key
(``sanbao customers rotate-master-key``, with the service stopped): once the
old one is gone, the copies of keys it wrapped that PostgreSQL or a backup
still holds (including keys since destroyed by erasure) open nothing.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from domain.integrity.checkpoints import signing_key
from domain.personal_data import KEY_BYTES
from storage.customer_keys import PostgresCustomerKeys

PERSONAL_DATA_KEY_FILE = "personal-data.key"
SIGNING_KEY_FILE = "ledger-signing.key"


def write_key_file(path: Path, text: str) -> str:
    """Creates ``path`` holding ``text`` (mode 0600) unless it exists; returns what it holds.

    A hard link appears complete or not at all, and never replaces a key: of two
    processes creating one file together, one key wins and both read it back.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(text + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return read_key_file(path)


def read_key_file(path: Path) -> str:
    return path.read_text(encoding="ascii").strip()


def key_text(configured: str | None, path: Path, new_text: Callable[[], str]) -> str:
    """The configured key, else the key file's, else a new key written to the file."""
    if configured is not None:
        return configured
    if path.exists():
        return read_key_file(path)
    return write_key_file(path, new_text())


# -- the personal-data master key ----------------------------------------------


def decode_key(text: str, setting: str) -> bytes:
    """A base64 text as a 32-byte key; ValueError naming the setting otherwise."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ValueError(f"{setting} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"{setting} must encode {KEY_BYTES} bytes, not {len(key)}")
    return key


def new_key_text() -> str:
    """A fresh 256-bit key as base64, as the settings take it."""
    return base64.b64encode(AESGCM.generate_key(KEY_BYTES * 8)).decode()


def personal_data_master_key(configured: str | None, data_dir: Path) -> bytes:
    """The master key wrapping every customer's key."""
    path = data_dir / PERSONAL_DATA_KEY_FILE
    source = "SANBAO_PERSONAL_DATA_KEY" if configured is not None else str(path)
    return decode_key(key_text(configured, path, new_key_text), source)


def rotate_master_key(keys: PostgresCustomerKeys, key_file: Path | None) -> tuple[int, str | None]:
    """Re-wraps every customer's key under a new master key.

    ``key_file`` is None when the master key comes from ``SANBAO_PERSONAL_DATA_KEY``.
    Returns how many keys were re-wrapped, and the new key's text for the
    operator to set; a key file is replaced instead. The new file is written
    before the database changes, as ``personal-data.key.new``, so an
    interrupted rotation loses no key.
    """
    text = new_key_text()
    key = decode_key(text, "the new master key")
    if key_file is None:
        return keys.rewrap(key), text
    pending = key_file.with_name(key_file.name + ".new")
    if pending.exists() or write_key_file(pending, text) != text:
        raise ValueError(
            f"{pending} exists: an earlier rotation did not finish; if `sanbao db` warns "
            f"of another master key, move it over {key_file}, else delete it"
        )
    count = keys.rewrap(key)
    os.replace(pending, key_file)
    return count, None


# -- the ledger's signing key -----------------------------------------------------


def new_seed_text() -> str:
    """A fresh Ed25519 seed as base64."""
    seed = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return base64.b64encode(seed).decode("ascii")


def load_signing_key(configured: str | None, data_dir: Path) -> Ed25519PrivateKey:
    """The checkpoint signing key; ValueError when the configured one is not a valid seed."""
    return signing_key(key_text(configured, data_dir / SIGNING_KEY_FILE, new_seed_text))
