"""The service signs checkpoints of the log head in the background, at its interval."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.http.app import create_app
from api.service.runtime import Runtime
from storage.integrity_status import latest_integrity_status
from tests.e2e.conftest import api_settings
from tests.integration.reports import AGENT, new_report

pytestmark = pytest.mark.postgres

SEED = base64.b64encode(bytes(range(50, 82))).decode()


@pytest.fixture
def fresh_url(database_url: str) -> Iterator[str]:
    params = conninfo_to_dict(database_url)
    name = f"{params['dbname']}_checkpoints"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(**{**params, "dbname": name})
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_service_signs_a_checkpoint_over_new_events_by_itself(
    fresh_url: str, tmp_path: Path
) -> None:
    settings = api_settings(
        fresh_url, checkpoint_seconds=0.05, ledger_signing_key=SEED, data_dir=tmp_path
    )
    app = create_app(settings)
    with TestClient(app):
        runtime: Runtime = app.state.runtime
        assert runtime.wait_until_ready(30)
        position = runtime.ledger.report(AGENT, **new_report()).position
        deadline = time.monotonic() + 30  # a wait for the background task, not a speed test
        with psycopg.connect(fresh_url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                status = latest_integrity_status(conn)
                if (status.checkpoint_position or 0) >= position:
                    break
                time.sleep(0.05)
    assert status.checkpoint_seq == 1 and status.checkpoint_position == position
