"""Two ledger processes on one database: each one's cached claims fall behind the other's writes."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import StaleVersionError

from .reports import AGENT, new_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def other(database_url: str) -> Iterator[ClaimsLedger]:
    """A second ledger on the same database, as another API worker would be."""
    app = ClaimsLedger(env=eventsourcing_env(database_url, pool_size=10))
    yield app
    app.close()


def test_a_command_on_a_copy_behind_the_store_is_applied_to_the_stored_state(
    ledger: ClaimsLedger, other: ClaimsLedger
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    ledger.command(Claim.add_note, claim_id, AGENT, text="cached here")
    other.command(Claim.add_note, claim_id, AGENT, text="written elsewhere")

    result = ledger.command(Claim.add_note, claim_id, AGENT, text="after both")

    assert result.version == 4
    texts = [h.data.get("text") for h in ledger.history(claim_id)]
    assert texts == [None, "cached here", "written elsewhere", "after both"]


def test_a_read_sees_the_other_process_writes(ledger: ClaimsLedger, other: ClaimsLedger) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    assert ledger.get_claim(claim_id).version == 1
    other.command(Claim.add_note, claim_id, AGENT, text="elsewhere")
    assert ledger.get_claim(claim_id).version == 2


def test_if_match_is_judged_against_the_stored_version(
    ledger: ClaimsLedger, other: ClaimsLedger
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    ledger.get_claim(claim_id)
    other.command(Claim.add_note, claim_id, AGENT, text="elsewhere")

    # The caller saw version 2 (written elsewhere): the command is not stale.
    assert (
        ledger.command(Claim.add_note, claim_id, AGENT, text="ok", expected_version=2).version == 3
    )
    # Version 1 is stale, and the refusal names the stored version.
    other.command(Claim.add_note, claim_id, AGENT, text="elsewhere again")
    with pytest.raises(StaleVersionError) as refused:
        ledger.command(Claim.add_note, claim_id, AGENT, text="late", expected_version=3)
    assert refused.value.current == 4
    assert len(ledger.history(claim_id)) == 4


def test_two_processes_writing_concurrently_lose_nothing(
    ledger: ClaimsLedger, other: ClaimsLedger
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id

    def add(n: int) -> int:
        app = ledger if n % 2 else other
        return app.command(Claim.add_note, claim_id, AGENT, text=f"note {n}").version

    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = list(pool.map(add, range(40)))

    assert sorted(versions) == list(range(2, 42))
    history = ledger.history(claim_id)
    assert sorted(h.data["text"] for h in history[1:]) == sorted(f"note {n}" for n in range(40))


def test_concurrent_commands_on_many_claims_are_all_kept_at_distinct_positions(
    ledger: ClaimsLedger,
) -> None:
    claims = [ledger.report(AGENT, **new_report()).claim_id for _ in range(8)]

    def add(n: int) -> int:
        return ledger.command(Claim.add_note, claims[n % 8], AGENT, text=f"note {n}").position

    with ThreadPoolExecutor(max_workers=8) as pool:
        positions = list(pool.map(add, range(200)))

    assert len(set(positions)) == 200
    assert all(len(ledger.history(c)) == 26 for c in claims)
