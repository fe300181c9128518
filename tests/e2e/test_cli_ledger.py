"""``sanbao verify``, ``ledger checkpoint|public-key|proof``, ``verify-proof`` and ``export``."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings

pytestmark = pytest.mark.postgres

SEED = base64.b64encode(bytes(range(100, 132))).decode()


@pytest.fixture(scope="module")
def ledger_url(database_url: str) -> Iterator[str]:
    """A database of its own: these tests tamper with it."""
    params = conninfo_to_dict(database_url)
    name = f"{params['dbname']}_cli_ledger"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(**{**params, "dbname": name})
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cli(ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", ledger_url)
    monkeypatch.setenv("SANBAO_LEDGER_SIGNING_KEY", SEED)
    monkeypatch.setenv("SANBAO_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["demo"]).exit_code == 0  # skips claims already loaded
    yield runner
    get_settings.cache_clear()


def test_verify_says_intact_up_to_the_head_with_its_hash_and_speed(cli: CliRunner) -> None:
    result = cli.invoke(app, ["verify"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "intact up to position" in result.output and "events/s" in result.output


def test_a_proof_written_by_the_cli_verifies_with_the_public_key_alone(
    cli: CliRunner, tmp_path: Path
) -> None:
    key = cli.invoke(app, ["ledger", "public-key"]).output.strip()
    proof = cli.invoke(app, ["ledger", "proof", "LF-2026-0003"])
    assert proof.exit_code == 0, proof.output
    path = tmp_path / "proof.json"
    path.write_text(proof.output)
    checked = cli.invoke(app, ["verify-proof", str(path), "--public-key", key])
    assert checked.exit_code == 0, checked.output
    assert "proof holds" in checked.output
    text = path.read_text()
    at = text.index('"state": "') + 12
    path.write_text(text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :])
    refused = cli.invoke(app, ["verify-proof", str(path), "--public-key", key])
    assert refused.exit_code == 1 and "proof refused" in refused.output


def test_export_writes_ndjson_with_its_head_to_standard_output(cli: CliRunner) -> None:
    cli.invoke(app, ["projections", "rebuild", "audit"])
    result = cli.invoke(app, ["export", "--claim", "LF-2026-0003", "--format", "ndjson"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines[0]["type"] == "header" and lines[0]["head_hash"]
    assert lines[-1]["type"] == "trailer" and lines[-1]["rows"] == len(lines) - 2 > 0


def test_export_csv_is_only_the_table_and_the_head_goes_beside_it(
    cli: CliRunner, tmp_path: Path
) -> None:
    cli.invoke(app, ["projections", "rebuild", "audit"])
    head_file = tmp_path / "head.json"
    result = cli.invoke(
        app,
        ["export", "--claim", "LF-2026-0003", "--format", "csv", "--head-file", str(head_file)],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeffposition,claim_id,claim_number,")
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows and {row["claim_number"] for row in rows} == {"LF-2026-0003"}
    cut_at = json.loads(head_file.read_text())
    assert cut_at["rows"] == str(len(rows)) and cut_at["head_hash"]
    assert f"cut at ledger position {cut_at['head_position']}" in result.stderr


@pytest.mark.parametrize("moment", ["2026/12/01", "yesterday", "2026-12-01T08:00"])
def test_export_with_a_bad_date_is_a_usage_error(cli: CliRunner, moment: str) -> None:
    result = cli.invoke(app, ["export", "--from", moment])
    assert result.exit_code == 2
    assert not isinstance(result.exception, ValueError)
    assert "--from" in result.output


# Last in the module: it leaves the ledger tampered.
def test_verify_fails_naming_the_position_of_an_edited_event(
    cli: CliRunner, ledger_url: str
) -> None:
    with psycopg.connect(ledger_url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # a superuser's triggers off
        conn.execute(
            "UPDATE sanbaoledger_events SET state = state || ' '::bytea WHERE notification_id = 3"
        )
    result = cli.invoke(app, ["verify"], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "position 3" in result.output and "modified" in result.output


def test_verify_evidence_checks_the_demo_photo_against_its_digest(cli: CliRunner) -> None:
    # The ledger itself may have been tampered with by an earlier test: only the files count.
    result = cli.invoke(app, ["verify", "--evidence"], env={"COLUMNS": "200"})
    assert "evidence files:" in result.output and "0 not matching their digest" in result.output
    assert " 0 checked" not in result.output  # the demo uploaded a photo
