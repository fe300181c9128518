"""``sanbao import FILE``, run as an operator would: it imports, says what it did, skips
what is already there and refuses a bad line by its number."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings
from domain.application import ClaimsLedger
from domain.history_import import history_line
from tests.support.generate import build_claim

pytestmark = pytest.mark.postgres


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    name = f"sanbao_cli_import_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setenv(
        "DATABASE_URL", make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    )
    monkeypatch.setenv("SANBAO_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_history(path: Path, claims: int) -> None:
    ledger = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    rng = random.Random(4)
    at = datetime.now().astimezone() - timedelta(days=10)
    with path.open("wb") as out:
        for n in range(claims):
            events = build_claim(ledger, n, at, rng).collect_events()
            out.write(history_line(ledger.mapper.transcoder, events) + b"\n")


def test_import_reports_what_it_imported_and_skips_it_the_second_time(
    cli: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "history.ndjson"
    write_history(path, claims=3)
    first = cli.invoke(app, ["import", str(path), "--jobs", "1"], env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    assert "imported 3 claims (30 events)" in first.output
    assert "signed checkpoint #1 up to position 30" in first.output  # no unsigned tail left
    again = cli.invoke(app, ["import", str(path), "--jobs", "1"], env={"COLUMNS": "200"})
    assert again.exit_code == 0, again.output
    assert "imported 0 claims (0 events)" in again.output and "3 already present" in again.output


def test_import_refuses_a_line_that_is_not_a_claim_record(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "history.ndjson"
    path.write_text('{"claim_number": "X-1", "events": []}\n')
    refused = cli.invoke(app, ["import", str(path), "--jobs", "1"], env={"COLUMNS": "200"})
    assert refused.exit_code == 1
    assert "refused: line 1: events: must be a non-empty list" in refused.output
