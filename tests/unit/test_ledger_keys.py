"""The checkpoint signing key: from the settings, or generated once into the data dir (0600)."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

from domain.integrity.checkpoints import public_key_b64
from storage.key_files import SIGNING_KEY_FILE, load_signing_key


def test_without_a_configured_key_one_is_generated_once_private_to_its_owner(
    tmp_path: Path,
) -> None:
    first = load_signing_key(None, tmp_path)
    assert stat.S_IMODE((tmp_path / SIGNING_KEY_FILE).stat().st_mode) == 0o600
    again = load_signing_key(None, tmp_path)
    assert public_key_b64(first) == public_key_b64(again)
    assert [p.name for p in tmp_path.iterdir()] == [SIGNING_KEY_FILE]


def test_a_configured_key_wins_and_writes_nothing(tmp_path: Path) -> None:
    seed = base64.b64encode(bytes(range(32))).decode()
    key = load_signing_key(seed, tmp_path)
    assert public_key_b64(key) == public_key_b64(load_signing_key(seed, tmp_path))
    assert not (tmp_path / SIGNING_KEY_FILE).exists()
