"""``sanbao ledger dump`` and ``sanbao import DUMP``: the demo ledger moved to another database."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings
from tests.support.databases import scratch_database, sibling_name

pytestmark = pytest.mark.postgres

SOURCE_SEED = base64.b64encode(bytes(range(40, 72))).decode()
OTHER_SEED = base64.b64encode(bytes(range(80, 112))).decode()
CLAIMS = "SELECT claim_number, status FROM views.claims ORDER BY claim_number"


def use(monkeypatch: pytest.MonkeyPatch, url: str, seed: str, data_dir: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SANBAO_LEDGER_SIGNING_KEY", seed)
    monkeypatch.setenv("SANBAO_DATA_DIR", str(data_dir))
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def demo_dump(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo ledger, dumped by the CLI."""
    path = tmp_path_factory.mktemp("dump") / "demo.dump"
    with (
        scratch_database(database_url, sibling_name(database_url, "dump_source")) as url,
        pytest.MonkeyPatch.context() as monkeypatch,
    ):
        use(monkeypatch, url, SOURCE_SEED, path.parent)
        cli = CliRunner()
        assert cli.invoke(app, ["demo"]).exit_code == 0
        dumped = cli.invoke(app, ["ledger", "dump", str(path)])
        assert dumped.exit_code == 0, dumped.output
        assert "events up to position" in dumped.output
        assert cli.invoke(app, ["projections", "rebuild", "claims"]).exit_code == 0
        with psycopg.connect(url) as conn:
            path.with_suffix(".claims").write_text(repr(conn.execute(CLAIMS).fetchall()))
        get_settings.cache_clear()
        yield path


@pytest.fixture
def target_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, sibling_name(database_url, "dump_restore")) as url:
        yield url


def test_the_dump_restores_into_a_new_database_with_the_same_claims(
    demo_dump: Path, target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, target_url, SOURCE_SEED, tmp_path)
    cli = CliRunner()
    restored = cli.invoke(app, ["import", str(demo_dump)])
    assert restored.exit_code == 0, restored.output
    assert "every row matched the signed checkpoint" in restored.output
    assert cli.invoke(app, ["projections", "rebuild", "claims"]).exit_code == 0
    with psycopg.connect(target_url) as conn:
        assert repr(conn.execute(CLAIMS).fetchall()) == demo_dump.with_suffix(".claims").read_text()
    verified = cli.invoke(app, ["verify"], env={"COLUMNS": "200"})
    assert verified.exit_code == 0 and "intact up to position" in verified.output


def test_a_dump_of_another_ledger_needs_its_public_key(
    demo_dump: Path, target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, target_url, OTHER_SEED, tmp_path)
    cli = CliRunner()
    refused = cli.invoke(app, ["import", str(demo_dump)], env={"COLUMNS": "300"})
    assert refused.exit_code == 1
    assert "not signed by the trusted key" in refused.output
    assert "nothing was imported" in refused.output
    with psycopg.connect(target_url) as conn:
        assert conn.execute("SELECT count(*) FROM ledger.chain").fetchone() == (0,)
    use(monkeypatch, target_url, SOURCE_SEED, tmp_path / "source")
    key = cli.invoke(app, ["ledger", "public-key"]).output.strip()
    use(monkeypatch, target_url, OTHER_SEED, tmp_path)
    accepted = cli.invoke(app, ["import", str(demo_dump), "--public-key", key])
    assert accepted.exit_code == 0, accepted.output


def test_a_changed_dump_is_refused_by_the_cli_in_chinese(
    demo_dump: Path, target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, target_url, SOURCE_SEED, tmp_path)
    rows = demo_dump.read_bytes().splitlines(keepends=True)
    changed = tmp_path / "changed.dump"
    changed.write_bytes(b"".join([*rows[:4], *rows[5:]]))  # a row dropped
    monkeypatch.setenv("SANBAO_LANGUAGE", "zh")
    refused = CliRunner().invoke(app, ["import", str(changed)], env={"COLUMNS": "300"})
    assert refused.exit_code == 1
    assert "未导入任何内容" in refused.output and "有行缺失或多出" in refused.output
