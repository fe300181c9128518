"""What the command line prints, in Chinese and in English; what scripts read, in neither."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli.main import app

pytestmark = pytest.mark.postgres

ZH = {"SANBAO_LANGUAGE": "zh", "COLUMNS": "250"}
EN = {"SANBAO_LANGUAGE": "en", "COLUMNS": "250"}


def test_claim_list_names_its_columns_and_values_in_the_chosen_language(
    demo_cli: CliRunner,
) -> None:
    listing = ["claim", "list", "--status", "closed"]
    english = demo_cli.invoke(app, listing, env=EN)
    assert english.exit_code == 0, english.output
    assert "Beijing time" in english.output and "SLA due" in english.output
    assert "closed" in english.output and "已结案" not in english.output
    chinese = demo_cli.invoke(app, listing, env=ZH)
    assert chinese.exit_code == 0, chinese.output
    assert "北京时间" in chinese.output and "时限到期" in chinese.output
    assert "已结案" in chinese.output and "SLA due" not in chinese.output
    assert "LF-2026-0003" in english.output and "LF-2026-0003" in chinese.output


def test_json_is_the_same_in_both_languages(demo_cli: CliRunner) -> None:
    listing = ["claim", "list", "--json", "--limit", "200"]
    english, chinese = demo_cli.invoke(app, listing, env=EN), demo_cli.invoke(app, listing, env=ZH)
    assert english.exit_code == chinese.exit_code == 0
    assert english.stdout == chinese.stdout and '"status": "closed"' in chinese.stdout


def test_claim_show_speaks_the_chosen_language_around_the_ledgers_values(
    demo_cli: CliRunner,
) -> None:
    chinese = demo_cli.invoke(app, ["claim", "show", "LF-2026-0003"], env=ZH)
    assert chinese.exit_code == 0, chinese.output
    assert "案件 LF-2026-0003" in chinese.output and "历史" in chinese.output
    assert "mismatch-return-7d" in chinese.output  # the rule's code stays as recorded
    english = demo_cli.invoke(app, ["claim", "show", "LF-2026-0003"], env=EN)
    assert "Claim LF-2026-0003" in english.output and "History" in english.output


def test_an_unknown_claim_is_refused_in_the_chosen_language(demo_cli: CliRunner) -> None:
    english = demo_cli.invoke(app, ["claim", "show", "NOPE-1"], env=EN)
    assert english.exit_code == 1
    assert "error: claim" in english.output and "not found" in english.output
    chinese = demo_cli.invoke(app, ["claim", "show", "NOPE-1"], env=ZH)
    assert chinese.exit_code == 1
    assert "错误：没有这个案件" in chinese.output
    assert "error:" not in chinese.output
