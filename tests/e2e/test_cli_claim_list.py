"""``sanbao claim list``: the API's filters on the claims view, as a table or as JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli.main import app

pytestmark = pytest.mark.postgres


def listed(demo_cli: CliRunner, *options: str) -> list[dict[str, object]]:
    shown = demo_cli.invoke(app, ["claim", "list", "--json", "--limit", "200", *options])
    assert shown.exit_code == 0, shown.output
    rows: list[dict[str, object]] = json.loads(shown.stdout)
    return rows


def test_json_lists_only_claims_matching_every_filter(demo_cli: CliRunner) -> None:
    closed = listed(demo_cli, "--status", "closed")
    assert closed and {row["status"] for row in closed} == {"closed"}
    exchanges = listed(demo_cli, "--status", "closed", "--kind", "exchange")
    assert exchanges and {row["kind"] for row in exchanges} == {"exchange"}
    assert {row["claim_number"] for row in exchanges} < {row["claim_number"] for row in closed}


def test_json_times_carry_the_business_offset(demo_cli: CliRunner) -> None:
    rows = listed(demo_cli)
    assert rows
    for row in rows:
        assert str(row["created_at"]).endswith("+08:00"), row["created_at"]


def test_a_created_range_is_read_as_business_days(demo_cli: CliRunner) -> None:
    everything = listed(demo_cli)
    newest_day = max(str(row["created_at"])[:10] for row in everything)
    on_or_after = listed(demo_cli, "--created-from", newest_day)
    assert on_or_after
    assert all(str(row["created_at"])[:10] >= newest_day for row in on_or_after)
    before = listed(demo_cli, "--created-to", newest_day)
    assert len(before) + len(on_or_after) == len(everything)


def test_the_table_names_its_time_zone(demo_cli: CliRunner) -> None:
    shown = demo_cli.invoke(app, ["claim", "list", "--status", "closed"])
    assert shown.exit_code == 0, shown.output
    assert "Beijing time, UTC+08:00" in shown.output
    assert "LF-2026-0001" in shown.output


@pytest.mark.parametrize(
    "options",
    [["--status", "bogus"], ["--created-from", "2026/11/01"], ["--limit", "0"], ["--nope"]],
)
def test_a_bad_argument_is_a_usage_error_not_a_traceback(
    demo_cli: CliRunner, options: list[str]
) -> None:
    shown = demo_cli.invoke(app, ["claim", "list", *options])
    assert shown.exit_code == 2
    assert "Traceback" not in shown.output
    assert shown.exception is None or isinstance(shown.exception, SystemExit)
