"""Shared fixtures: a real PostgreSQL for every test that touches storage.

``SANBAO_TEST_DATABASE_URL`` or ``DATABASE_URL`` names a server (CI uses the
machine's PostgreSQL); otherwise an embedded PostgreSQL is started in a
temporary directory. Either way the session gets a fresh database of its own,
dropped at the end.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from api.service.database import start_embedded, stop_embedded
from tests.support.databases import scratch_database

# The command line speaks the language of SANBAO_LANGUAGE or the locale, chosen when it is
# loaded (its help texts): the tests read its English, whatever the machine's locale. A
# test of its Chinese sets SANBAO_LANGUAGE=zh for the command it runs.
os.environ["SANBAO_LANGUAGE"] = "en"

# Property tests judge behaviour, never speed: no per-example deadline, so a
# loaded machine (CI, parallel work) cannot turn a slow example into a failure.
settings.register_profile("sanbao", deadline=None)
settings.load_profile("sanbao")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The PostgreSQL server the session uses: the one named, or an embedded one."""
    url = os.environ.get("SANBAO_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    # Not under pytest's own temporary directory: another pytest session of the same
    # user prunes old ones there, which would pull the data directory from under
    # the running server.
    with tempfile.TemporaryDirectory(prefix="sanbao-embedded-") as directory:
        data_dir = Path(directory)
        yield start_embedded(data_dir)
        # Stop it here, while pytest's streams are open, rather than at interpreter exit.
        stop_embedded(data_dir)


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A fresh, empty database on a real PostgreSQL server, for this test session."""
    with scratch_database(server_url, f"sanbao_test_{uuid.uuid4().hex[:12]}") as url:
        yield url
