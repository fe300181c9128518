"""The HTTP API on the session's PostgreSQL: one app (lifespan, views, sweep) for this package.

The API gets a database of its own next to the session's (same server): its
concurrency tests leave gaps in the event sequence (rolled-back inserts), and
its view runner and SLA sweep must not act while the integration tests drive
the views of the session database themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from api.http.app import create_app
from api.roles import API_ROLES
from api.service.runtime import Runtime
from api.settings import Settings, get_settings
from domain.vocabulary import Role
from tests.support.databases import scratch_database, sibling_name


def api_settings(database_url: str, **overrides: object) -> Settings:
    # Tokens are re-read on every request, so a revocation shows at once.
    return Settings(DATABASE_URL=database_url, token_cache_seconds=0, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="package")
def api_database_url(database_url: str) -> Iterator[str]:
    """A fresh database for the API tests, on the session's server, dropped afterwards."""
    with scratch_database(database_url, sibling_name(database_url, "api")) as url:
        yield url


@pytest.fixture(scope="package")
def client(api_database_url: str) -> Iterator[TestClient]:
    """A client of the running service (the lifespan has started; the ledger is open)."""
    app = create_app(api_settings(api_database_url))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        runtime: Runtime = app.state.runtime
        assert runtime.wait_until_ready(30), "the ledger did not open"
        yield test_client


def runtime_of(client: TestClient) -> Runtime:
    """The service's runtime behind a test client."""
    assert isinstance(client.app, FastAPI)
    app_runtime: Runtime = client.app.state.runtime
    return app_runtime


@pytest.fixture(scope="package")
def runtime(client: TestClient) -> Runtime:
    return runtime_of(client)


@pytest.fixture(scope="package")
def tokens(runtime: Runtime) -> dict[Role, str]:
    """A bearer token for a user of each role."""
    return {role: runtime.users.add(f"e2e.{role.value}", role) for role in API_ROLES}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="package")
def as_role(tokens: dict[Role, str]) -> dict[Role, dict[str, str]]:
    """Authorization headers by role."""
    return {role: bearer(token) for role, token in tokens.items()}


@pytest.fixture
def demo_cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The CLI on the test database, the demo loaded and the claims view caught up."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert runner.invoke(app, ["projections", "rebuild", "claims"]).exit_code == 0
    yield runner
    get_settings.cache_clear()
