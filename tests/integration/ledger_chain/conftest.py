"""A ledger database with the hash chain installed, emptied before each test.

Events are written through the ledger's recorder (raw stored rows, as the
ledger's mapper would hand them over), so these tests exercise the chain and
its checks independently of what the events say. The ledger's tables refuse
UPDATE, DELETE and TRUNCATE by trigger: tampering is done as a superuser would
(``triggers_off``), the trust boundary the README states.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent as LibraryStoredEvent

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from domain.integrity.faults import VerificationReport
from storage.checkpoint_store import write_checkpoints
from storage.hash_chain import LedgerTables
from storage.migrations import migrate
from storage.verification import verify_ledger
from tests.support.databases import scratch_database, sibling_name
from tests.support.tampering import triggers_off

pytestmark = pytest.mark.postgres

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
TOPIC = "domain.claim:Claim.NoteAdded"


@pytest.fixture(scope="package")
def chain_database_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, sibling_name(database_url, "chain")) as url:
        migrate(url)
        yield url


@pytest.fixture(scope="package")
def chained_ledger(chain_database_url: str) -> Iterator[ClaimsLedger]:
    # The ledger's recorder attaches the chain as the library creates its tables.
    ledger = ClaimsLedger(env=eventsourcing_env(chain_database_url, pool_size=4))
    yield ledger
    ledger.close()


@pytest.fixture
def conn(chain_database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(chain_database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def ledger(chained_ledger: ClaimsLedger, conn: psycopg.Connection[Any]) -> ClaimsLedger:
    """The chained ledger, with an empty log (positions restart at 1)."""
    tables = LedgerTables.of(chained_ledger)
    with triggers_off(conn):
        conn.execute(
            f"TRUNCATE {tables.events}, {tables.snapshots}, ledger.chain, ledger.checkpoints, "
            "ledger.snapshot_hashes, ledger.verifications RESTART IDENTITY"
        )
    return chained_ledger


def stored(claim: UUID, version: int, text: str = "") -> LibraryStoredEvent:
    state = f'{{"note":"{text or f"note {version}"}","v":{version}}}'.encode()
    return LibraryStoredEvent(claim, version, TOPIC, state)


def write_claims(ledger: ClaimsLedger, claims: int = 3, versions: int = 4) -> list[UUID]:
    """Claims whose events interleave in the log, one save per event."""
    ids = [uuid4() for _ in range(claims)]
    for version in range(1, versions + 1):
        for claim in ids:
            ledger.recorder.insert_events([stored(claim, version)])
    return ids


def tables(ledger: ClaimsLedger) -> LedgerTables:
    return LedgerTables.of(ledger)


def verify(
    conn: psycopg.Connection[Any], ledger: ClaimsLedger, **kwargs: Any
) -> VerificationReport:
    return verify_ledger(conn, tables(ledger), KEY.public_key(), **kwargs)


def checkpoint(
    conn: psycopg.Connection[Any], ledger: ClaimsLedger, max_events: int = 10_000
) -> None:
    write_checkpoints(conn, tables(ledger), KEY, max_events)


def position_of(
    conn: psycopg.Connection[Any], ledger: ClaimsLedger, claim: UUID, version: int
) -> int:
    row = conn.execute(
        f"SELECT notification_id FROM {tables(ledger).events} "
        "WHERE originator_id = %s AND originator_version = %s",
        (claim, version),
    ).fetchone()
    assert row is not None
    return int(row[0])
