"""The personal-data master key and the payload cipher key, from the settings or a key file."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.settings import Settings
from storage.personal_data_key import KEY_FILE, personal_data_master_key

KEY = base64.b64encode(bytes(range(32))).decode()


def test_without_a_setting_a_key_is_generated_once_into_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = personal_data_master_key(settings)
    assert len(first) == 32
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert personal_data_master_key(settings) == first
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_the_setting_wins_over_the_key_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, personal_data_key=KEY)  # type: ignore[arg-type]
    assert personal_data_master_key(settings) == bytes(range(32))
    assert not (tmp_path / KEY_FILE).exists()


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("personal_data_key", "not base64!", "must be base64"),
        ("personal_data_key", base64.b64encode(bytes(16)).decode(), "must encode 32 bytes"),
        ("cipher_key", base64.b64encode(bytes(20)).decode(), "must encode 16 or 24 or 32"),
    ],
)
def test_a_bad_key_setting_is_refused_at_start_up(field: str, value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        Settings(**{field: value})  # type: ignore[arg-type]
