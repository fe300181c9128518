"""``sanbao keys rotate-master`` and ``sanbao keys purge`` on a database of their own."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.service.bootstrap import open_ledger
from api.settings import get_settings
from storage.customer_keys import PostgresCustomerKeys, master_key_id
from storage.key_files import decode_key, new_key_text, write_key_file
from tests.integration.personal_data_support import own_database

pytestmark = pytest.mark.postgres
WIDE = {"COLUMNS": "250"}
SHOW = ["--as", "keys.boss", "claim", "show", "LF-2026-0002", "--reveal", "--purpose", "ship_goods"]


def demo_with_operator(runner: CliRunner) -> None:
    """The demo claims, and a supervisor to reveal them as."""
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert runner.invoke(app, ["users", "add", "keys.boss", "--role", "supervisor"]).exit_code == 0


@pytest.fixture
def generated_key(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[CliRunner, str]]:
    """The demo on a database of its own, its master key generated into the data directory."""
    with own_database(database_url, "cli_keys") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.delenv("SANBAO_PERSONAL_DATA_KEY", raising=False)
        monkeypatch.setenv("SANBAO_DATA_DIR", str(tmp_path))
        get_settings.cache_clear()
        runner = CliRunner()
        try:
            demo_with_operator(runner)
            yield runner, url
        finally:
            get_settings.cache_clear()


def live_keys(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM privacy.customer_keys WHERE wrapped_key IS NOT NULL"
        ).fetchone()
    assert row is not None
    return int(row[0])


def wrapping_keys(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT master_key_id FROM privacy.customer_keys WHERE wrapped_key IS NOT NULL"
        ).fetchall()
    return {row[0] for row in rows}


def test_rotating_a_generated_master_key_replaces_the_key_file_after_the_database(
    generated_key: tuple[CliRunner, str], tmp_path: Path
) -> None:
    runner, url = generated_key
    key_file = tmp_path / "personal-data.key"
    old_key = key_file.read_text()
    rotated = runner.invoke(app, ["keys", "rotate-master"])
    assert rotated.exit_code == 0, rotated.output
    count = live_keys(url)
    assert f"{count} customers' keys re-wrapped" in rotated.output
    assert "warning" not in rotated.output  # the old row versions were purged
    new_key = key_file.read_text()
    assert new_key != old_key and not (tmp_path / "personal-data.key.new").exists()
    assert wrapping_keys(url) == {master_key_id(decode_key(new_key, "file"))}
    shown = runner.invoke(app, SHOW, env=WIDE)
    assert "孙丽" in shown.output, shown.output


def test_a_rotation_stopped_after_the_database_changed_is_finished_by_the_next_run(
    generated_key: tuple[CliRunner, str], tmp_path: Path
) -> None:
    runner, url = generated_key
    key_file = tmp_path / "personal-data.key"
    # What a rotation killed between its commit and the file swap leaves: the keys
    # wrapped by the pending key, the old key still in the key file.
    pending_text = new_key_text()
    write_key_file(tmp_path / "personal-data.key.new", pending_text)
    ledger, _ = open_ledger(get_settings())
    try:
        keys = ledger.customer_keys
        assert isinstance(keys, PostgresCustomerKeys)
        keys.rewrap(decode_key(pending_text, "pending"))
    finally:
        ledger.close()
    stale = runner.invoke(app, SHOW, env=WIDE)
    assert stale.exit_code == 1  # the old master key opens nothing now

    resumed = runner.invoke(app, ["keys", "rotate-master"], env={"SANBAO_LANGUAGE": "zh"})
    assert resumed.exit_code == 0, resumed.output
    assert "上次中断的轮换" in resumed.output and "interrupted" not in resumed.output
    assert key_file.read_text().strip() == pending_text
    assert "孙丽" in runner.invoke(app, SHOW, env=WIDE).output


def test_a_rotation_stopped_before_the_database_changed_discards_its_key_and_rotates(
    generated_key: tuple[CliRunner, str], tmp_path: Path
) -> None:
    runner, url = generated_key
    abandoned = new_key_text()
    write_key_file(tmp_path / "personal-data.key.new", abandoned)
    rotated = runner.invoke(app, ["keys", "rotate-master"])
    assert rotated.exit_code == 0, rotated.output
    assert f"{live_keys(url)} customers' keys re-wrapped" in rotated.output
    now = (tmp_path / "personal-data.key").read_text().strip()
    assert now != abandoned
    assert wrapping_keys(url) == {master_key_id(decode_key(now, "file"))}
    assert "孙丽" in runner.invoke(app, SHOW, env=WIDE).output


def test_rotating_a_configured_master_key_prints_the_new_one(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with own_database(database_url, "cli_keys_env") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("SANBAO_PERSONAL_DATA_KEY", base64.b64encode(bytes(32)).decode())
        monkeypatch.setenv("SANBAO_DATA_DIR", str(tmp_path))
        get_settings.cache_clear()
        runner = CliRunner()
        try:
            demo_with_operator(runner)
            rotated = runner.invoke(app, ["keys", "rotate-master"], env={"SANBAO_LANGUAGE": "zh"})
            assert rotated.exit_code == 0, rotated.output
            assert "SANBAO_PERSONAL_DATA_KEY" in rotated.output and "仅显示一次" in rotated.output
            assert "已用新的主密钥重新封装" in rotated.output
            new_key = rotated.output.strip().splitlines()[-1]
            stale = runner.invoke(app, ["claim", "show", "LF-2026-0002"], env=WIDE)
            assert stale.exit_code == 1 and "SANBAO_PERSONAL_DATA_KEY" in stale.output
            monkeypatch.setenv("SANBAO_PERSONAL_DATA_KEY", new_key)
            get_settings.cache_clear()
            assert "孙丽" in runner.invoke(app, SHOW, env=WIDE).output
        finally:
            get_settings.cache_clear()


def test_purge_rewrites_the_key_table(generated_key: tuple[CliRunner, str]) -> None:
    runner, url = generated_key
    with psycopg.connect(url) as conn:
        before = conn.execute("SELECT pg_relation_filenode('privacy.customer_keys')").fetchone()
    purged = runner.invoke(app, ["keys", "purge"])
    assert purged.exit_code == 0, purged.output
    assert "rewritten" in purged.output
    purged_zh = runner.invoke(app, ["keys", "purge"], env={"SANBAO_LANGUAGE": "zh"})
    assert purged_zh.exit_code == 0 and "已重写" in purged_zh.output
    with psycopg.connect(url) as conn:
        after = conn.execute("SELECT pg_relation_filenode('privacy.customer_keys')").fetchone()
    assert after != before
