from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from projections.engine.runner import ViewRunner
from projections.engine.view import View
from storage.migrations import migrate


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    """The session database with every migration applied."""
    migrate(database_url)
    return database_url


@pytest.fixture
def ledger(migrated_url: str) -> Iterator[ClaimsLedger]:
    app = ClaimsLedger(env=eventsourcing_env(migrated_url, pool_size=10))
    yield app
    app.close()


@pytest.fixture
def catch_up(ledger: ClaimsLedger) -> Callable[..., ViewRunner]:
    """Brings the given views up to the head of the ledger; returns the runner."""

    def run(*views: View) -> ViewRunner:
        runner = ViewRunner(ledger, views)
        runner.catch_up()
        return runner

    return run
