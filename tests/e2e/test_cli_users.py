"""``sanbao users``: a token is printed once, works, and stops working when revoked."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def cli(api_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", api_database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_users_add_prints_a_token_that_revoke_disables(cli: CliRunner, client: TestClient) -> None:
    name = f"cli.{uuid.uuid4().hex[:6]}"
    added = cli.invoke(app, ["users", "add", name, "--role", "technician"])
    assert added.exit_code == 0, added.output
    token = added.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/policy", headers=headers).status_code == 200
    listed = cli.invoke(app, ["users", "list"], env={"COLUMNS": "200"})
    assert name in listed.output and token not in listed.output
    assert cli.invoke(app, ["users", "revoke", name]).exit_code == 0
    assert client.get("/api/v1/policy", headers=headers).status_code == 401


def test_users_add_refuses_an_unknown_role_and_a_taken_name(cli: CliRunner) -> None:
    assert cli.invoke(app, ["users", "add", "someone", "--role", "system"]).exit_code != 0
    name = f"cli.{uuid.uuid4().hex[:6]}"
    assert cli.invoke(app, ["users", "add", name, "--role", "agent"]).exit_code == 0
    assert cli.invoke(app, ["users", "add", name, "--role", "agent"]).exit_code == 1


def test_token_reset_prints_a_new_token_and_voids_the_old(
    cli: CliRunner, client: TestClient
) -> None:
    name = f"cli.{uuid.uuid4().hex[:6]}"
    old = cli.invoke(app, ["users", "add", name, "--role", "agent"]).output.strip().splitlines()[-1]
    reset = cli.invoke(app, ["users", "token-reset", name])
    assert reset.exit_code == 0, reset.output
    new = reset.output.strip().splitlines()[-1]
    assert new != old
    for token, status in ((new, 200), (old, 401)):
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/policy", headers=headers).status_code == status


def test_token_reset_of_an_unknown_or_revoked_user_is_refused(cli: CliRunner) -> None:
    assert cli.invoke(app, ["users", "token-reset", "nobody.here"]).exit_code == 1
    name = f"cli.{uuid.uuid4().hex[:6]}"
    assert cli.invoke(app, ["users", "add", name, "--role", "agent"]).exit_code == 0
    assert cli.invoke(app, ["users", "revoke", name]).exit_code == 0
    refused = cli.invoke(app, ["users", "token-reset", name])
    assert refused.exit_code == 1
    assert f"no active user {name!r}" in refused.output
