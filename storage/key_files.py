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
(``sanbao keys rotate-master``, with the service stopped): once the old one is
gone, the copies of keys it wrapped that PostgreSQL's WAL or a backup still
holds (including keys since destroyed by erasure) open nothing.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from domain.integrity.checkpoints import signing_key
from domain.personal_data import KEY_BYTES
from storage.customer_keys import PostgresCustomerKeys, master_key_id

PERSONAL_DATA_KEY_FILE = "personal-data.key"
ROTATION_PURGE_WAIT_SECONDS = 120.0  # the service is stopped: waiting costs no one
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


@dataclass(frozen=True)
class Rotation:
    """What a master-key rotation did."""

    rewrapped: int
    """How many customers' keys were re-wrapped (0 when an interrupted one was finished)."""
    new_key_text: str | None
    """The new key for the operator to set (configured keys); None when the file holds it."""
    resumed: bool = False
    """True when an interrupted rotation's database change was found and its file swap done."""
    purged: bool = False
    """Whether the old row versions (keys wrapped by the old master key) were purged."""


def rotate_master_key(keys: PostgresCustomerKeys, key_file: Path | None) -> Rotation:
    """Re-wraps every customer's key under a new master key, in one transaction.

    ``key_file`` is None when the master key comes from ``SANBAO_PERSONAL_DATA_KEY``:
    the new key's text is returned for the operator to set (the old one stays
    configured until they do). A key file is replaced, and only after the
    database committed: the new key is first written beside it as
    ``personal-data.key.new``. If a rotation stopped between the two, the next
    one finds that file: when the database's keys are wrapped by it, it finishes
    the swap; otherwise it discards it and rotates afresh.
    """
    if key_file is not None:
        pending = key_file.with_name(key_file.name + ".new")
        if pending.exists():
            pending_id = master_key_id(decode_key(read_key_file(pending), str(pending)))
            if pending_id in keys.foreign_master_keys():
                os.replace(pending, key_file)
                return Rotation(
                    0,
                    None,
                    resumed=True,
                    purged=keys.purge_old_versions(ROTATION_PURGE_WAIT_SECONDS),
                )
            pending.unlink()  # the database never changed: that key wrapped nothing
    text = new_key_text()
    key = decode_key(text, "the new master key")
    if key_file is None:
        count = keys.rewrap(key)
        return Rotation(count, text, purged=keys.purge_old_versions(ROTATION_PURGE_WAIT_SECONDS))
    if write_key_file(pending, text) != text:
        raise ValueError(f"{pending} was written by another rotation running now")
    count = keys.rewrap(key)
    os.replace(pending, key_file)  # the old key is kept until here
    return Rotation(count, None, purged=keys.purge_old_versions(ROTATION_PURGE_WAIT_SECONDS))


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
