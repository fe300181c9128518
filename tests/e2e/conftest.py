"""The HTTP API on the session's PostgreSQL: one app (lifespan, views, sweep) for this package.

Package-scoped: the app's view runner and SLA sweep stop before the integration
tests, which drive the views themselves, run on the same database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.roles import API_ROLES
from api.runtime import Runtime
from api.settings import Settings
from domain.vocabulary import Role


def api_settings(database_url: str, **overrides: object) -> Settings:
    # Tokens are re-read on every request, so a revocation shows at once.
    return Settings(DATABASE_URL=database_url, token_cache_seconds=0, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="package")
def client(database_url: str) -> Iterator[TestClient]:
    """A client of the running service (the lifespan has started; the ledger is open)."""
    app = create_app(api_settings(database_url))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        runtime: Runtime = app.state.runtime
        assert runtime.wait_until_ready(30), "the ledger did not open"
        yield test_client


@pytest.fixture(scope="package")
def runtime(client: TestClient) -> Runtime:
    app_runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return app_runtime


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
