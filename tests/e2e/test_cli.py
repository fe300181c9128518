"""The sanbao command line, run as a user would, on the test database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import CALENDAR_SOURCES, app
from api.cli.messages import t
from api.settings import get_settings
from domain.calendar import holiday_source

pytestmark = pytest.mark.postgres


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_demo_then_claim_show_prints_state_decision_and_history(cli: CliRunner) -> None:
    assert cli.invoke(app, ["demo"]).exit_code == 0
    shown = cli.invoke(app, ["claim", "show", "LF-2026-0003"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "mismatch-return-7d" in shown.output
    assert "Refunded" in shown.output and "closed" in shown.output


def test_claim_show_of_an_unknown_claim_fails_with_a_message(cli: CliRunner) -> None:
    shown = cli.invoke(app, ["claim", "show", "NOPE-1"])
    assert shown.exit_code == 1
    assert "not found" in shown.output


def test_db_names_the_database_and_the_data_directory_in_use(
    cli: CliRunner, database_url: str, tmp_path: Path
) -> None:
    shown = cli.invoke(app, ["db"], env={"SANBAO_DATA_DIR": str(tmp_path)})
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert f"database        PostgreSQL from DATABASE_URL: {database_url}" in lines
    assert f"data directory  {tmp_path.resolve()} (SANBAO_DATA_DIR)" in lines
    assert any(line.startswith("ledger head     position ") for line in lines)


def test_db_names_the_source_of_each_years_public_holidays(cli: CliRunner) -> None:
    shown = cli.invoke(app, ["db"])
    assert shown.exit_code == 0, shown.output
    this_year = datetime.now().year
    for year in (this_year, this_year + 1):
        source = t(CALENDAR_SOURCES[holiday_source(year)])
        assert f"calendar {year}   {source}" in shown.output.splitlines()


def test_output_to_a_non_terminal_is_never_wrapped(cli: CliRunner, database_url: str) -> None:
    shown = cli.invoke(app, ["db"], env={"COLUMNS": "40"})
    assert shown.exit_code == 0, shown.output
    assert f"PostgreSQL from DATABASE_URL: {database_url}" in shown.output.splitlines()[0]


def test_version_prints_the_installed_version() -> None:
    shown = CliRunner().invoke(app, ["--version"])
    assert shown.exit_code == 0
    assert shown.output == f"sanbao {version('sanbao-ledger')}\n"


def test_projections_rebuild_then_status_shows_no_lag_for_the_rebuilt_view(cli: CliRunner) -> None:
    assert cli.invoke(app, ["demo"]).exit_code == 0
    rebuilt = cli.invoke(app, ["projections", "rebuild", "audit"], env={"COLUMNS": "200"})
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "audit: rebuilt up to position" in rebuilt.output
    status = cli.invoke(app, ["projections", "status"], env={"COLUMNS": "200"})
    assert status.exit_code == 0, status.output
    audit_row = next(line for line in status.output.splitlines() if " audit " in line)
    assert audit_row.split("│")[-2].strip() == "0"


def test_rebuilding_an_unknown_view_is_refused(cli: CliRunner) -> None:
    refused = cli.invoke(app, ["projections", "rebuild", "nope"])
    assert refused.exit_code != 0
    assert "unknown view" in refused.output
