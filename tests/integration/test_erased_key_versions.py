"""Erasure leaves no copy of the customer's wrapped key in the key table's file.

An UPDATE keeps the row's previous version in the page until a vacuum, and a
plain vacuum may leave its bytes in the page's free space. The tests read every
page of ``privacy.customer_keys`` as PostgreSQL holds it (``pageinspect``'s
``get_raw_page``) and search it for the wrapped key's bytes.
"""

from __future__ import annotations

import base64
import logging
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from eventsourcing.postgres import PostgresDatastore
from psycopg.conninfo import conninfo_to_dict

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from storage.customer_keys import PostgresCustomerKeys
from storage.migrations import migrate
from storage.recorder import datastore_of
from tests.integration.personal_data_support import own_database

pytestmark = pytest.mark.postgres
MASTER = base64.b64decode(base64.b64encode(bytes(range(32))))
PAGES_HOLDING = (
    "SELECT count(*) FROM generate_series(0,"
    " pg_relation_size('privacy.customer_keys') / current_setting('block_size')::int - 1) AS n"
    " WHERE position(%s::bytea IN get_raw_page('privacy.customer_keys', 'main', n::int)) > 0"
)


@pytest.fixture(scope="module")
def url(database_url: str) -> Iterator[str]:
    with own_database(database_url, "key_versions") as own:
        migrate(own)
        with psycopg.connect(own, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            except psycopg.Error as missing:
                pytest.skip(f"pageinspect is not available: {missing}")
        yield own


@pytest.fixture
def keys(url: str) -> Iterator[PostgresCustomerKeys]:
    ledger = ClaimsLedger(env=eventsourcing_env(url, pool_size=2))
    yield PostgresCustomerKeys(datastore_of(ledger), MASTER)
    ledger.close()


def customer_with_key(keys: PostgresCustomerKeys) -> tuple[str, bytes]:
    """A new customer's id and their wrapped key as stored."""
    customer_id = f"crm-{uuid.uuid4().hex[:8]}"
    keys.key_for_claim(customer_id, uuid.uuid4(), f"SB-{customer_id}")
    with keys.datastore.get_connection() as conn:
        row = conn.execute(
            "SELECT wrapped_key FROM privacy.customer_keys WHERE customer_id = %s", (customer_id,)
        ).fetchone()
    assert row is not None
    return customer_id, bytes(row["wrapped_key"])


def pages_holding(datastore: PostgresDatastore, wrapped: bytes) -> int:
    with datastore.get_connection() as conn:
        row: Any = conn.execute(PAGES_HOLDING, (wrapped,)).fetchone()
    return int(row["count"])


def purge_until_done(keys: PostgresCustomerKeys) -> None:
    """Purges as ``sanbao keys purge`` does, again while a transaction older than the
    change still runs (other databases' work on a shared server); two minutes at most."""
    deadline = time.monotonic() + 120
    while not keys.purge_old_versions():
        assert time.monotonic() < deadline, "the older transactions never ended"


def test_the_page_search_finds_a_live_wrapped_key(keys: PostgresCustomerKeys) -> None:
    _, wrapped = customer_with_key(keys)
    assert pages_holding(keys.datastore, wrapped) == 1


def test_an_update_alone_leaves_the_old_wrapped_key_in_the_table_file(
    keys: PostgresCustomerKeys,
) -> None:
    customer_id, wrapped = customer_with_key(keys)
    with keys.datastore.get_connection() as conn:
        conn.execute(
            "UPDATE privacy.customer_keys SET wrapped_key = NULL, erased_at = now(),"
            " erased_by = 'test' WHERE customer_id = %s",
            (customer_id,),
        )
    # The threat the purge answers: the row reads as erased, its old version does not.
    assert pages_holding(keys.datastore, wrapped) == 1
    purge_until_done(keys)
    assert pages_holding(keys.datastore, wrapped) == 0


def test_erasure_leaves_no_copy_of_the_key_and_other_customers_keys_intact(
    keys: PostgresCustomerKeys, caplog: pytest.LogCaptureFixture
) -> None:
    erased, wrapped = customer_with_key(keys)
    kept, kept_wrapped = customer_with_key(keys)
    kept_key = keys.key_of(kept)
    with caplog.at_level(logging.WARNING, logger="storage.customer_keys"):
        keys.erase(erased, "boss-1", datetime.now(UTC))
    if pages_holding(keys.datastore, wrapped):
        # Only when a transaction older than the erasure outlived the wait: the
        # erasure says so, and the purge it asks for removes the copy.
        assert "older transactions still ran" in caplog.text
        purge_until_done(keys)
    assert pages_holding(keys.datastore, wrapped) == 0
    assert keys.key_of(erased) is None
    assert pages_holding(keys.datastore, kept_wrapped) == 1
    assert keys.key_of(kept) == kept_key


def test_re_wrapping_leaves_no_key_wrapped_by_the_old_master_once_purged(
    keys: PostgresCustomerKeys,
) -> None:
    customer_id, wrapped = customer_with_key(keys)
    key = keys.key_of(customer_id)
    successor = bytes(reversed(MASTER))
    keys.rewrap(successor)
    purge_until_done(keys)
    assert pages_holding(keys.datastore, wrapped) == 0
    assert PostgresCustomerKeys(keys.datastore, successor).key_of(customer_id) == key
    PostgresCustomerKeys(keys.datastore, successor).rewrap(MASTER)  # as the other tests expect


@pytest.fixture
def service_keys(url: str) -> Iterator[PostgresCustomerKeys]:
    """The key table as a role that does not own it (the least-privilege service's)."""
    role = f"sanbao_keys_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA privacy TO "{role}"')
        conn.execute(
            "GRANT SELECT, INSERT, UPDATE ON privacy.customer_keys, privacy.customer_claims"
            f' TO "{role}"'
        )
    params = conninfo_to_dict(url)
    datastore = PostgresDatastore(
        str(params["dbname"]), str(params.get("host") or "localhost"),
        str(params.get("port") or 5432), role, "",
    )  # fmt: skip
    yield PostgresCustomerKeys(datastore, MASTER)
    datastore.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


def test_an_erasure_by_a_role_not_owning_the_table_is_purged_later_by_the_owner(
    keys: PostgresCustomerKeys, service_keys: PostgresCustomerKeys
) -> None:
    customer_id, wrapped = customer_with_key(keys)
    erased = service_keys.erase(customer_id, "boss-1", datetime.now(UTC))
    assert erased.newly and service_keys.key_of(customer_id) is None
    # PostgreSQL skipped the rewrite for the non-owner: the old version is still there.
    assert service_keys.purge_old_versions() is False
    assert pages_holding(keys.datastore, wrapped) == 1
    purge_until_done(keys)  # what `sanbao keys purge` does, as the owner
    assert pages_holding(keys.datastore, wrapped) == 0
