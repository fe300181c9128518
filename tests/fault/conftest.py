"""Fault tests: the service and the ledger under killed processes, a stopped database and
racing clients. Reduced by default (CI); ``SANBAO_FAULT_FULL=1`` runs the full versions.

They share the session's PostgreSQL server, each package fixture with a database of
its own; the outage test starts a private PostgreSQL cluster it may stop.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.conftest import client, runtime_of  # noqa: F401 - the fixture, reused here
from tests.support.databases import scratch_database, sibling_name

FULL = os.environ.get("SANBAO_FAULT_FULL") == "1"


def full_or(reduced: int, full: int) -> int:
    """How many times a fault is repeated: ``full`` with SANBAO_FAULT_FULL=1."""
    return full if FULL else reduced


@pytest.fixture(scope="package")
def api_database_url(database_url: str) -> Iterator[str]:
    """A database of the fault tests' own, on the session's server (the e2e ``client`` runs
    the service, views in-process, on it)."""
    with scratch_database(database_url, sibling_name(database_url, "fault")) as url:
        yield url


@pytest.fixture(scope="package")
def agent(client: TestClient) -> dict[str, str]:  # noqa: F811 - the imported fixture
    """Authorization headers of an agent."""
    runtime = runtime_of(client)
    return {"Authorization": f"Bearer {runtime.users.add('fault.agent', Role.AGENT)}"}
