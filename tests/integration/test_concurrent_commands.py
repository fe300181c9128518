"""Concurrent writers on one claim: no lost update, gapless versions, honest refusals."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import ConcurrencyConflictError, LifecycleError, StaleVersionError
from domain.vocabulary import PauseReason

from .reports import AGENT, new_report

pytestmark = [pytest.mark.postgres, pytest.mark.fault]


def test_concurrent_notes_are_all_kept_with_gapless_versions(ledger: ClaimsLedger) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id

    def add(n: int) -> int:
        return ledger.command(Claim.add_note, claim_id, AGENT, text=f"note {n}").version

    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = list(pool.map(add, range(40)))

    history = ledger.history(claim_id)
    assert sorted(versions) == list(range(2, 42))
    assert [h.version for h in history] == list(range(1, 42))
    assert sorted(h.data["text"] for h in history[1:]) == sorted(f"note {n}" for n in range(40))


def test_conflicting_commands_let_exactly_one_win(ledger: ClaimsLedger) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id

    def pause(_: int) -> str:
        try:
            ledger.command(Claim.pause_sla, claim_id, AGENT, reason=PauseReason.WAITING_ON_PARTS)
        except (ConcurrencyConflictError, LifecycleError):
            return "refused"
        return "paused"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(pause, range(16)))

    assert outcomes.count("paused") == 1
    assert [h.event_type for h in ledger.history(claim_id)] == ["Reported", "SlaPaused"]


def test_stale_expected_version_is_refused_and_stores_nothing(ledger: ClaimsLedger) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    ledger.command(Claim.add_note, claim_id, AGENT, text="first", expected_version=1)
    with pytest.raises(StaleVersionError) as refused:
        ledger.command(Claim.add_note, claim_id, AGENT, text="late", expected_version=1)
    assert refused.value.current == 2
    assert len(ledger.history(claim_id)) == 2
