"""Reveals name a purpose and are held to a per-user hourly limit, counted in PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import psycopg
import pytest
from eventsourcing.postgres import PostgresDatastore

from domain.application import ClaimsLedger
from domain.errors import RevealLimitError
from storage.access_log import record_access, search_access_log
from storage.migrations import migrate
from storage.recorder import datastore_of

pytestmark = pytest.mark.postgres
PURPOSE = "arrange_service"


@pytest.fixture
def datastore(ledger: ClaimsLedger, database_url: str) -> Iterator[PostgresDatastore]:
    migrate(database_url)
    yield datastore_of(ledger)


def someone() -> str:
    return f"agent.{uuid.uuid4().hex[:8]}"


def reveal(target: PostgresDatastore | psycopg.Connection, actor: str, limit: int | None) -> None:  # type: ignore[type-arg]
    record_access(
        target, actor, "agent", uuid.uuid4(), ["phone"], "GET x", purpose=PURPOSE,
        reveal_limit=limit,
    )  # fmt: skip


def reveals_of(database_url: str, actor: str) -> int:
    with psycopg.connect(database_url) as conn:
        return len(search_access_log(conn, actor=actor))


def test_the_purpose_of_a_reveal_is_stored_with_it(
    datastore: PostgresDatastore, database_url: str
) -> None:
    actor = someone()
    reveal(datastore, actor, None)
    with psycopg.connect(database_url) as conn:
        (row,) = search_access_log(conn, actor=actor)
    assert (row.disclosure, row.purpose) == ("revealed", PURPOSE)


def test_a_reveal_without_a_purpose_is_refused_and_the_table_refuses_one_too(
    datastore: PostgresDatastore, database_url: str
) -> None:
    actor = someone()
    with pytest.raises(ValueError, match="purpose"):
        record_access(datastore, actor, "agent", uuid.uuid4(), ["name"], "GET x")
    with psycopg.connect(database_url) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO privacy.access_log (actor, role, claim_id, fields, disclosure, route)"
            " VALUES (%s, 'agent', %s, '{name}', 'revealed', 'GET x')",
            (actor, uuid.uuid4()),
        )
    assert reveals_of(database_url, actor) == 0


def test_a_reveal_beyond_the_hourly_limit_is_refused_with_a_wait_and_records_nothing(
    datastore: PostgresDatastore, database_url: str
) -> None:
    actor = someone()
    for _ in range(3):
        reveal(datastore, actor, 3)
    with pytest.raises(RevealLimitError) as refused:
        reveal(datastore, actor, 3)
    assert refused.value.limit == 3
    assert 1 <= refused.value.retry_after <= 3600
    assert "上限" in refused.value.detail_zh
    assert reveals_of(database_url, actor) == 3


def test_masked_views_and_other_users_do_not_count_toward_a_users_limit(
    datastore: PostgresDatastore,
) -> None:
    actor, colleague = someone(), someone()
    for _ in range(5):
        record_access(datastore, actor, "agent", uuid.uuid4(), ["name"], "GET x",
                      disclosure="masked")  # fmt: skip
    reveal(datastore, colleague, 1)
    reveal(datastore, actor, 1)  # the first reveal of this user: allowed
    with pytest.raises(RevealLimitError):
        reveal(datastore, actor, 1)


def test_reveals_older_than_an_hour_no_longer_count_and_the_wait_is_until_one_leaves(
    datastore: PostgresDatastore, database_url: str
) -> None:
    actor = someone()
    with psycopg.connect(database_url, autocommit=True) as conn:
        for minutes_ago in (90, 61, 50):
            conn.execute(
                "INSERT INTO privacy.access_log"
                " (actor, role, claim_id, fields, disclosure, route, purpose, accessed_at)"
                " VALUES (%s, 'agent', %s, '{name}', 'revealed', 'GET x', %s,"
                " clock_timestamp() - make_interval(mins => %s))",
                (actor, uuid.uuid4(), PURPOSE, minutes_ago),
            )
    reveal(datastore, actor, 2)  # only the one of 50 minutes ago counts: 1 < 2
    with pytest.raises(RevealLimitError) as refused:
        reveal(datastore, actor, 2)
    # The one of 50 minutes ago leaves the hour in 10 minutes.
    assert 9 * 60 <= refused.value.retry_after <= 10 * 60 + 1


def test_the_limit_holds_for_concurrent_reveals_from_separate_sessions(database_url: str) -> None:
    actor, limit, attempts = someone(), 4, 12
    barrier = Barrier(attempts)

    def attempt(_: int) -> bool:
        # Each attempt is its own database session, as separate workers' would be.
        with psycopg.connect(database_url, autocommit=True) as conn:
            barrier.wait()
            try:
                reveal(conn, actor, limit)
            except RevealLimitError:
                return False
            return True

    with ThreadPoolExecutor(attempts) as pool:
        outcomes = list(pool.map(attempt, range(attempts)))
    assert outcomes.count(True) == limit
    assert reveals_of(database_url, actor) == limit
