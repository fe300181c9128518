"""Claim numbers drawn from PostgreSQL by concurrent reports: each serial once, none skipped."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from storage.claim_numbers import PostgresClaimNumbers
from storage.migrations import migrate
from storage.recorder import datastore_of
from tests.support.databases import scratch_database, sibling_name

from .reports import AGENT, new_report

pytestmark = pytest.mark.postgres

WRITERS = 8
REPORTS_EACH = 5


@pytest.fixture
def ledger(database_url: str) -> Iterator[ClaimsLedger]:
    """A ledger on a database of its own, numbering claims from PostgreSQL as the service does."""
    with scratch_database(database_url, sibling_name(database_url, "claim_numbers")) as url:
        migrate(url)
        app = ClaimsLedger(env=eventsourcing_env(url, pool_size=WRITERS + 2))
        app.claim_numbers = PostgresClaimNumbers(datastore_of(app))
        yield app
        app.close()


def test_concurrent_reports_get_each_serial_once_in_sequence(ledger: ClaimsLedger) -> None:
    def report_some(_: int) -> list[str]:
        return [
            ledger.report(AGENT, **new_report(claim_number=None)).claim_number
            for _ in range(REPORTS_EACH)
        ]

    with ThreadPoolExecutor(WRITERS) as pool:
        numbers = [n for batch in pool.map(report_some, range(WRITERS)) for n in batch]
    year = numbers[0].split("-")[1]
    expected = {f"SB-{year}-{serial:06d}" for serial in range(1, WRITERS * REPORTS_EACH + 1)}
    assert set(numbers) == expected and len(numbers) == len(expected)
    for number in numbers:
        assert ledger.get_claim_by_number(number).claim_number == number
