from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from storage.migrations import migrate


@pytest.fixture
def ledger(database_url: str) -> Iterator[ClaimsLedger]:
    """The ledger application on the session's PostgreSQL database (migrated, as the service's)."""
    migrate(database_url)
    app = ClaimsLedger(env=eventsourcing_env(database_url, pool_size=10))
    yield app
    app.close()
