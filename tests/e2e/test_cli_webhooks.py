"""``sanbao webhooks``: add prints the secret once, list shows the subscription, remove stops it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.service.runtime import Runtime
from api.settings import get_settings
from domain.vocabulary import Role

pytestmark = pytest.mark.postgres


@pytest.fixture
def cli(api_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", api_database_url)
    monkeypatch.setenv("SANBAO_WEBHOOK_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def supervisor(runtime: Runtime) -> str:
    name = f"hooks.{uuid.uuid4().hex[:6]}"
    runtime.users.add(name, Role.SUPERVISOR)
    return name


def test_add_list_and_remove_a_webhook(cli: CliRunner, supervisor: str) -> None:
    add = ["--as", supervisor, "webhooks", "add", "http://127.0.0.1:9/hooks"]
    added = cli.invoke(app, [*add, "--types", "repaired,closed"])
    assert added.exit_code == 0, added.output
    assert added.output.strip().splitlines()[-1].startswith("whsec_")
    webhook_id = added.output.split("webhook ")[1].split()[0]
    listed = cli.invoke(app, ["webhooks", "list"], env={"COLUMNS": "250"})
    assert webhook_id in listed.output and "closed, repaired" in listed.output
    assert "whsec_" not in listed.output
    assert cli.invoke(app, ["webhooks", "deliveries", webhook_id]).exit_code == 0
    remove = ["--as", supervisor, "webhooks", "remove", webhook_id]
    assert cli.invoke(app, remove).exit_code == 0
    again = cli.invoke(app, remove)
    assert again.exit_code == 1 and "not found" in again.output
    again_zh = cli.invoke(app, remove, env={"SANBAO_LANGUAGE": "zh"})
    assert again_zh.exit_code == 1 and "没有编号为" in again_zh.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--types", "shipped"], "unknown event type"), (["--after", "999999999"], "beyond")],
)
def test_add_refuses_bad_options(
    cli: CliRunner, supervisor: str, extra: list[str], message: str
) -> None:
    added = cli.invoke(
        app, ["--as", supervisor, "webhooks", "add", "http://127.0.0.1:9/hooks", *extra]
    )
    assert added.exit_code != 0 and message in added.output


def test_add_needs_a_supervisor_operator(cli: CliRunner, runtime: Runtime) -> None:
    name = f"hooks.{uuid.uuid4().hex[:6]}"
    runtime.users.add(name, Role.AGENT)
    added = cli.invoke(app, ["--as", name, "webhooks", "add", "http://127.0.0.1:9/hooks"])
    assert added.exit_code == 1 and "webhooks:manage" in added.output
