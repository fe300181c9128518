"""The key that signs the ledger's checkpoints: from the settings, or made once in the data dir.

``SANBAO_LEDGER_SIGNING_KEY`` (a base64 32-byte Ed25519 seed) wins. Without it
(the embedded default, ``sanbao serve --demo``) a key is generated once into
``<data_dir>/ledger-signing.key`` (mode 0600) and reused by every later run;
``sanbao ledger public-key`` prints the public half for auditors.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from api.settings import Settings
from domain.integrity.checkpoints import signing_key

KEY_FILE = "ledger-signing.key"


def key_path(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def load_signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The checkpoint signing key; ValueError when the configured one is not a valid seed."""
    if settings.ledger_signing_key is not None:
        return signing_key(settings.ledger_signing_key.get_secret_value())
    path = key_path(settings)
    if not path.exists():
        _create_key_file(path)
    return signing_key(path.read_text(encoding="ascii").strip())


def _create_key_file(path: Path) -> None:
    """Writes a new seed with mode 0600; if another process won the race, keeps theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(base64.b64encode(seed).decode("ascii") + "\n")
    try:
        os.link(draft, path)  # atomic: fails when the key already exists
    except FileExistsError:
        pass
    finally:
        draft.unlink()
