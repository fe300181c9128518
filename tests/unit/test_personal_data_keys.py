"""The personal-data master key and the payload cipher key, from the settings or a key file."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.settings import Settings
from storage.key_files import PERSONAL_DATA_KEY_FILE as KEY_FILE
from storage.key_files import personal_data_master_key, write_key_file

KEY = base64.b64encode(bytes(range(32))).decode()


def test_without_a_setting_a_key_is_generated_once_into_the_data_dir(tmp_path: Path) -> None:
    first = personal_data_master_key(None, tmp_path)
    assert len(first) == 32
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert personal_data_master_key(None, tmp_path) == first
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_the_setting_wins_over_the_key_file(tmp_path: Path) -> None:
    assert personal_data_master_key(KEY, tmp_path) == bytes(range(32))
    assert not (tmp_path / KEY_FILE).exists()


def test_a_key_file_written_second_keeps_the_first_key(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    assert write_key_file(path, "first") == "first"
    assert write_key_file(path, "second") == "first"
    assert path.read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_a_damaged_key_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("not a key\n")
    with pytest.raises(ValueError, match="personal-data.key is not valid base64"):
        personal_data_master_key(None, tmp_path)


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
