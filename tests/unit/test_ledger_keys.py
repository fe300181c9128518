"""The checkpoint signing key: from the settings, or generated once into the data dir (0600)."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

from api.settings import Settings
from domain.integrity.checkpoints import public_key_b64
from storage.signing_key import key_path, load_signing_key


def settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, **overrides)  # type: ignore[arg-type]


def test_without_a_configured_key_one_is_generated_once_private_to_its_owner(
    tmp_path: Path,
) -> None:
    first = load_signing_key(settings(tmp_path))
    assert stat.S_IMODE(key_path(settings(tmp_path)).stat().st_mode) == 0o600
    again = load_signing_key(settings(tmp_path))
    assert public_key_b64(first) == public_key_b64(again)


def test_a_configured_key_wins_and_writes_nothing(tmp_path: Path) -> None:
    seed = base64.b64encode(bytes(range(32))).decode()
    key = load_signing_key(settings(tmp_path, ledger_signing_key=seed))
    assert public_key_b64(key) == public_key_b64(
        load_signing_key(settings(tmp_path, ledger_signing_key=seed))
    )
    assert not key_path(settings(tmp_path)).exists()
