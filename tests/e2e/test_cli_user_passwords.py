"""``sanbao users password``: asked twice and hidden, or read from stdin; the console accepts it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.service.runtime import Runtime
from api.settings import get_settings
from api.ui.deps import password_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def cli(api_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", api_database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def new_user(cli: CliRunner) -> str:
    name = f"pwcli.{uuid.uuid4().hex[:6]}"
    added = cli.invoke(app, ["users", "add", name, "--role", "agent", "--display-name", "李强"])
    assert added.exit_code == 0, added.output
    return name


def test_a_password_typed_twice_is_set_and_not_echoed(cli: CliRunner, runtime: Runtime) -> None:
    name = new_user(cli)
    result = cli.invoke(app, ["users", "password", name], input="secret pass 1\nsecret pass 1\n")
    assert result.exit_code == 0, result.output
    assert "secret pass 1" not in result.output
    assert password_store(runtime).sign_in(name, "secret pass 1").user is not None


def test_two_different_passwords_set_nothing(cli: CliRunner, runtime: Runtime) -> None:
    name = new_user(cli)
    typed = "secret pass 2\nsecret pass 3\n"
    result = cli.invoke(app, ["users", "password", name], input=typed)
    assert result.exit_code == 1
    assert "the two passwords differ" in result.output
    chinese = cli.invoke(
        app, ["users", "password", name], input=typed, env={"SANBAO_LANGUAGE": "zh"}
    )
    assert chinese.exit_code == 1
    assert "两次输入的密码不一致" in chinese.output
    assert password_store(runtime).sign_in(name, "secret pass 2").user is None


def test_stdin_sets_the_password_for_scripts(cli: CliRunner, runtime: Runtime) -> None:
    name = new_user(cli)
    result = cli.invoke(app, ["users", "password", name, "--stdin"], input="secret pass 4\n")
    assert result.exit_code == 0, result.output
    assert password_store(runtime).sign_in(name, "secret pass 4").user is not None


def test_a_short_password_or_an_unknown_user_is_refused(cli: CliRunner) -> None:
    name = new_user(cli)
    short = cli.invoke(app, ["users", "password", name, "--stdin"], input="short\n")
    assert short.exit_code == 1 and "password" in short.output
    unknown = cli.invoke(
        app, ["users", "password", "pwcli.nobody", "--stdin"], input="long enough 5\n"
    )
    assert unknown.exit_code == 1 and "no active user 'pwcli.nobody'" in unknown.output
    unknown_zh = cli.invoke(
        app,
        ["users", "password", "pwcli.nobody", "--stdin"],
        input="long enough 5\n",
        env={"SANBAO_LANGUAGE": "zh"},
    )
    assert unknown_zh.exit_code == 1 and "没有名为 'pwcli.nobody' 的有效用户" in unknown_zh.output


def test_the_list_shows_display_names_and_who_has_a_password(cli: CliRunner) -> None:
    name = new_user(cli)
    cli.invoke(app, ["users", "password", name, "--stdin"], input="secret pass 6\n")
    listed = cli.invoke(app, ["users", "list"], env={"COLUMNS": "250"})
    line = next(line for line in listed.output.splitlines() if name in line)
    assert "李强" in line and "set" in line
