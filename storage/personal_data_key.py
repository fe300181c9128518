"""The personal-data master key: from the settings, or generated once into the data directory.

``SANBAO_PERSONAL_DATA_KEY`` (32 bytes, base64) is the production setting: the
same key must reach every process that opens the ledger. Without it a key is
generated on first use into ``<data_dir>/personal-data.key`` (mode 0600) and
read from there afterwards, like the embedded PostgreSQL's data: zero
configuration on one machine. Losing that file makes every sealed customer
unreadable, as if erased; back it up apart from the database.

``rotate_master_key`` re-wraps every customer's key under a new master key
(``sanbao customers rotate-master-key``, with the service stopped): once the
old one is gone, the copies of keys it wrapped that PostgreSQL or a backup
still holds (including keys since destroyed by erasure) open nothing.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.settings import Settings
from domain.personal_data import KEY_BYTES
from storage.customer_keys import PostgresCustomerKeys

KEY_FILE = "personal-data.key"


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


def load_or_create(path: Path) -> bytes:
    """The key in ``path``, generating it (mode 0600) when the file does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(new_key_text() + "\n")
        # A hard link appears complete or not at all, and never replaces a key: of
        # two processes starting together, one key wins and both read it.
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return decode_key(path.read_text(), str(path))


def personal_data_master_key(settings: Settings) -> bytes:
    """The master key wrapping every customer's key."""
    if settings.personal_data_key is not None:
        return decode_key(settings.personal_data_key.get_secret_value(), "SANBAO_PERSONAL_DATA_KEY")
    return load_or_create(settings.data_dir / KEY_FILE)


def rotate_master_key(settings: Settings, keys: PostgresCustomerKeys) -> tuple[int, str | None]:
    """Re-wraps every customer's key under a new master key.

    Returns how many keys were re-wrapped, and the new key's text when it comes
    from ``SANBAO_PERSONAL_DATA_KEY`` (the operator sets it); a generated key file
    is replaced instead. The new file is written before the database changes, as
    ``personal-data.key.new``, so an interrupted rotation loses no key.
    """
    text = new_key_text()
    key = decode_key(text, "the new master key")
    if settings.personal_data_key is not None:
        return keys.rewrap(key), text
    path = settings.data_dir / KEY_FILE
    pending = path.with_name(path.name + ".new")
    try:
        fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ValueError(
            f"{pending} exists: an earlier rotation did not finish; if `sanbao db` warns "
            f"of another master key, move it over {path}, else delete it"
        ) from None
    with os.fdopen(fd, "w") as out:
        out.write(text + "\n")
    count = keys.rewrap(key)
    os.replace(pending, path)
    return count, None
