"""Processes starting together each create the views' positions table without failing."""

from __future__ import annotations

import threading
import uuid

import pytest
from eventsourcing.postgres import PostgresDatastore
from psycopg.conninfo import conninfo_to_dict

from projections.engine.tracking import ViewRecorder
from tests.support.databases import scratch_database

pytestmark = pytest.mark.postgres
STARTERS = 6


def datastore_for(url: str) -> PostgresDatastore:
    parts = conninfo_to_dict(url)
    return PostgresDatastore(
        dbname=str(parts["dbname"]),
        host=str(parts.get("host") or "localhost"),
        port=str(parts.get("port") or "5432"),
        user=str(parts.get("user") or "postgres"),
        password=str(parts.get("password") or ""),
        pool_size=1,
    )


@pytest.mark.parametrize("attempt", range(3))
def test_starters_racing_to_create_the_positions_table_all_succeed(
    database_url: str, attempt: int
) -> None:
    name = f"race_{uuid.uuid4().hex[:10]}"
    with scratch_database(database_url, name) as url:
        stores = [datastore_for(url) for _ in range(STARTERS)]
        start, failures = threading.Barrier(STARTERS), []

        def create(store: PostgresDatastore) -> None:
            start.wait()
            try:
                ViewRecorder(store)
            except Exception as error:  # noqa: BLE001 - the failure is what the test reports
                failures.append(error)

        threads = [threading.Thread(target=create, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for store in stores:
            store.close()
        assert failures == []
