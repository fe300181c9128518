"""``sanbao customers erase``, ``sanbao access-log`` and the customer in ``sanbao claim show``."""

from __future__ import annotations

import base64
import getpass
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings
from tests.integration.personal_data_support import own_database

pytestmark = pytest.mark.postgres

WIDE = {"COLUMNS": "250"}
WIDE_ZH = {**WIDE, "SANBAO_LANGUAGE": "zh"}
OPERATORS = {"cli.boss": "supervisor", "cli.limited": "agent", "cli.tech": "technician"}
BOSS = ["--as", "cli.boss"]


@pytest.fixture(scope="module")
def ledger_url(database_url: str) -> Iterator[str]:
    """A database of its own: these tests erase the demo's customers."""
    with own_database(database_url, "cli_customers") as url:
        yield url


@pytest.fixture
def cli(ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", ledger_url)
    monkeypatch.setenv("SANBAO_PERSONAL_DATA_KEY", base64.b64encode(bytes(range(32))).decode())
    monkeypatch.setenv("SANBAO_LEDGER_SIGNING_KEY", base64.b64encode(bytes(32)).decode())
    monkeypatch.setenv("SANBAO_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["demo"]).exit_code == 0  # skips claims already loaded
    for name, role in OPERATORS.items():  # a module's database: added by the first test only
        runner.invoke(app, ["users", "add", name, "--role", role])
    yield runner
    get_settings.cache_clear()


def test_claim_show_masks_the_customer_unless_revealed_and_logs_both(cli: CliRunner) -> None:
    masked = cli.invoke(app, ["claim", "show", "LF-2026-0002"], env=WIDE)
    assert masked.exit_code == 0, masked.output
    assert "孙*" in masked.output and "*******9002" in masked.output
    assert "孙丽" not in masked.output and "13900139002" not in masked.output
    revealed = cli.invoke(
        app,
        [*BOSS, "claim", "show", "LF-2026-0002", "--reveal", "--purpose", "contact_customer"],
        env=WIDE,
    )
    assert "孙丽" in revealed.output and "13900139002" in revealed.output
    log = cli.invoke(app, ["access-log", "--actor", "cli.boss"], env=WIDE)
    assert log.exit_code == 0, log.output
    assert "revealed" in log.output and "supervisor" in log.output
    assert "sanbao claim show" in log.output
    assert "contact_customer" in log.output
    masked_log = cli.invoke(app, ["access-log", "--actor", getpass.getuser()], env=WIDE)
    assert "masked" in masked_log.output and "revealed" not in masked_log.output


def test_a_reveal_without_a_purpose_fails_in_both_languages_and_shows_nothing(
    cli: CliRunner,
) -> None:
    reveal = [*BOSS, "claim", "show", "LF-2026-0002", "--reveal"]
    refused = cli.invoke(app, reveal, env=WIDE)
    assert refused.exit_code == 1
    assert "purpose" in refused.output
    assert "孙丽" not in refused.output
    refused_zh = cli.invoke(app, reveal, env=WIDE_ZH)
    assert refused_zh.exit_code == 1
    assert "须说明用途" in refused_zh.output and "孙丽" not in refused_zh.output
    unknown = cli.invoke(app, [*reveal, "--purpose", "curiosity"], env=WIDE_ZH)
    assert unknown.exit_code == 1 and "不是可选的用途" in unknown.output


def test_a_reveal_beyond_the_hourly_limit_fails_with_the_wait(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANBAO_REVEAL_LIMIT_PER_HOUR", "1")
    get_settings.cache_clear()
    reveal = ["--as", "cli.limited", "claim", "show", "LF-2026-0003", "--reveal"]
    reveal += ["--purpose", "ship_goods"]
    assert cli.invoke(app, reveal, env=WIDE).exit_code == 0
    refused = cli.invoke(app, reveal, env=WIDE)
    assert refused.exit_code == 1
    assert "limit" in refused.output
    refused_zh = cli.invoke(app, reveal, env=WIDE_ZH)
    assert refused_zh.exit_code == 1
    assert "上限" in refused_zh.output


@pytest.mark.parametrize(
    ("operator", "refusal"),
    [
        ([], "sanbao --as USER"),
        (["--as", "nobody.here"], "no active user 'nobody.here'"),
        (["--as", "cli.tech"], "it needs personal:read"),
    ],
)
def test_a_reveal_needs_a_known_operator_allowed_to_read_personal_data(
    cli: CliRunner, operator: list[str], refusal: str
) -> None:
    reveal = ["claim", "show", "LF-2026-0002", "--reveal", "--purpose", "contact_customer"]
    refused = cli.invoke(app, [*operator, *reveal], env={**WIDE, "SANBAO_OPERATOR": ""})
    assert refused.exit_code == 1
    assert refusal in refused.output
    assert "孙丽" not in refused.output
    refused_zh = cli.invoke(app, [*operator, *reveal], env={**WIDE_ZH, "SANBAO_OPERATOR": ""})
    assert refused_zh.exit_code == 1
    assert "错误" in refused_zh.output and "孙丽" not in refused_zh.output


def test_erase_asks_for_confirmation_and_a_no_erases_nothing(cli: CliRunner) -> None:
    declined = cli.invoke(app, [*BOSS, "customers", "erase", "claim:LF-2026-0004"], input="n\n")
    assert declined.exit_code == 1 and "Erase the personal data" in declined.output
    shown = cli.invoke(app, ["claim", "show", "LF-2026-0004"], env=WIDE)
    assert "personal data erased" not in shown.output


def test_erase_is_refused_without_an_operator_holding_the_right(cli: CliRunner) -> None:
    for operator in ([], ["--as", "cli.limited"]):
        refused = cli.invoke(
            app,
            [*operator, "customers", "erase", "claim:LF-2026-0004", "--yes"],
            env={"SANBAO_OPERATOR": ""},
        )
        assert refused.exit_code == 1, refused.output
    shown = cli.invoke(app, ["claim", "show", "LF-2026-0004"], env=WIDE)
    assert "personal data erased" not in shown.output


def test_erase_destroys_the_customer_and_the_ledger_still_verifies(cli: CliRunner) -> None:
    erase = [*BOSS, "customers", "erase", "claim:LF-2026-0001", "--yes"]
    erased = cli.invoke(app, erase)
    assert erased.exit_code == 0, erased.output
    assert "erased" in erased.output and "LF-2026-0001: PersonalDataErased" in erased.output
    shown = cli.invoke(
        app,
        [*BOSS, "claim", "show", "LF-2026-0001", "--reveal", "--purpose", "contact_customer"],
        env=WIDE,
    )
    assert shown.exit_code == 0, shown.output
    assert "personal data erased (广东)" in shown.output and "刘洋" not in shown.output
    assert "PersonalDataErased" in shown.output and "cli.boss (supervisor)" in shown.output
    again = cli.invoke(app, erase)
    assert again.exit_code == 0 and "already erased" in again.output
    verified = cli.invoke(app, ["verify"], env=WIDE)
    assert verified.exit_code == 0, verified.output
    assert "intact up to position" in verified.output


def test_erasing_an_unknown_customer_fails_with_a_message(cli: CliRunner) -> None:
    result = cli.invoke(app, [*BOSS, "customers", "erase", "nobody", "--yes"])
    assert result.exit_code == 1
    assert "customer nobody not found" in result.output


def test_db_names_the_master_key_and_warns_of_keys_wrapped_by_another(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = cli.invoke(app, ["db"], env=WIDE)
    assert "customers' keys wrapped by master key" in shown.output
    assert "warning" not in shown.output
    monkeypatch.setenv("SANBAO_PERSONAL_DATA_KEY", base64.b64encode(bytes(32)).decode())
    get_settings.cache_clear()
    shown = cli.invoke(app, ["db"], env=WIDE)
    assert "warning" in shown.output and "SANBAO_PERSONAL_DATA_KEY" in shown.output
