"""The access log on PostgreSQL: committed before it returns, append-only, searchable."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
from eventsourcing.postgres import PostgresDatastore

from domain.application import ClaimsLedger
from storage.access_log import record_access, search_access_log
from storage.migrations import migrate
from storage.recorder import datastore_of

pytestmark = pytest.mark.postgres
PURPOSE = "contact_customer"


@pytest.fixture
def datastore(ledger: ClaimsLedger, database_url: str) -> Iterator[PostgresDatastore]:
    migrate(database_url)
    yield datastore_of(ledger)


def test_a_recorded_access_is_committed_when_record_access_returns(
    datastore: PostgresDatastore, database_url: str
) -> None:
    claim_id = uuid.uuid4()
    record = record_access(
        datastore, "wang.fang", "agent", claim_id, ["name", "phone"], "GET x", purpose=PURPOSE
    )
    # Another session sees it at once: it was committed, not left in a transaction.
    with psycopg.connect(database_url) as other:
        (row,) = search_access_log(other, claim_id=claim_id)
    assert row == record
    assert (row.fields, row.disclosure, row.route) == (["name", "phone"], "revealed", "GET x")


def test_a_connection_inside_a_transaction_is_refused_and_nothing_is_recorded(
    database_url: str,
) -> None:
    claim_id = uuid.uuid4()
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT 1")  # opens a transaction (psycopg's default)
        with pytest.raises(ValueError, match="outside a transaction"):
            record_access(conn, "wang.fang", "agent", claim_id, ["name"], "GET x", purpose=PURPOSE)
    with psycopg.connect(database_url) as conn:
        assert search_access_log(conn, claim_id=claim_id) == []


def test_an_idle_connection_records_and_commits(database_url: str) -> None:
    claim_id = uuid.uuid4()
    with psycopg.connect(database_url, autocommit=True) as conn:
        record_access(conn, "li.qiang", "supervisor", claim_id, ["email"], "GET y", purpose=PURPOSE)
    with psycopg.connect(database_url) as conn:
        assert [r.actor for r in search_access_log(conn, claim_id=claim_id)] == ["li.qiang"]


def test_unknown_fields_are_refused(datastore: PostgresDatastore) -> None:
    with pytest.raises(ValueError, match="fields"):
        record_access(datastore, "a", "agent", uuid.uuid4(), ["region"], "GET x", purpose=PURPOSE)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE privacy.access_log SET actor = 'someone'", "DELETE FROM privacy.access_log"],
)
def test_the_access_log_refuses_changes(
    datastore: PostgresDatastore, database_url: str, statement: str
) -> None:
    record_access(datastore, "wang.fang", "agent", uuid.uuid4(), ["name"], "GET x", purpose=PURPOSE)
    with psycopg.connect(database_url) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute(statement)


def test_search_filters_by_claim_actor_and_period_newest_first_in_pages(
    datastore: PostgresDatastore, database_url: str
) -> None:
    claim_id, actor = uuid.uuid4(), f"user.{uuid.uuid4().hex[:6]}"
    records = [
        record_access(datastore, actor, "agent", claim_id, ["name"], f"GET {n}", purpose=PURPOSE)
        for n in range(5)
    ]
    record_access(
        datastore, "someone.else", "agent", claim_id, ["name"], "GET other", purpose=PURPOSE
    )
    with psycopg.connect(database_url) as conn:
        first = search_access_log(conn, claim_id=claim_id, actor=actor, limit=3)
        rest = search_access_log(conn, claim_id=claim_id, actor=actor, before_id=first[-1].id)
        assert first + rest == records[::-1]
        start, end = records[1].accessed_at, records[3].accessed_at
        period = search_access_log(conn, actor=actor, accessed_from=start, accessed_to=end)
        assert period == [records[2], records[1]]
        later = search_access_log(conn, actor=actor, accessed_from=end + timedelta(hours=1))
        assert later == []
