"""The numbers the ledger gives: SB-<year>-<serial>, sequential per year, never reused."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.application import ClaimsLedger
from domain.claim_numbers import InMemoryClaimNumbers
from domain.errors import InvalidInputError
from tests.unit.application.test_claims_ledger import AGENT, NOW, report_fields


@pytest.fixture
def ledger() -> ClaimsLedger:
    return ClaimsLedger(clock=lambda: NOW)


def test_claims_reported_without_a_number_are_numbered_in_sequence(ledger: ClaimsLedger) -> None:
    numbers = [ledger.report(AGENT, **report_fields(claim_number=None)).claim_number for _ in "abc"]
    assert numbers == ["SB-2026-000001", "SB-2026-000002", "SB-2026-000003"]


def test_the_sequence_starts_again_in_a_new_business_year(ledger: ClaimsLedger) -> None:
    assert ledger.report(AGENT, **report_fields(claim_number=None)).claim_number.startswith(
        "SB-2026-"
    )
    january = datetime(2027, 1, 2, 9, 0).astimezone()
    ledger.clock = lambda: january
    fields = report_fields(claim_number=None)
    assert ledger.report(AGENT, **fields).claim_number == "SB-2027-000001"


def test_a_number_already_held_is_skipped_not_reused(ledger: ClaimsLedger) -> None:
    first = ledger.report(AGENT, **report_fields(claim_number=None))
    ledger.claim_numbers = InMemoryClaimNumbers()  # as if an import brought SB-2026-000001
    second = ledger.report(AGENT, **report_fields(claim_number=None, description="other"))
    assert (first.claim_number, second.claim_number) == ("SB-2026-000001", "SB-2026-000002")
    assert ledger.get_claim(first.claim_id).description == "does not light"


def test_a_callers_number_in_the_ledgers_own_form_is_refused(ledger: ClaimsLedger) -> None:
    with pytest.raises(InvalidInputError) as refused:
        ledger.report(AGENT, **report_fields(claim_number="SB-2026-000007"))
    assert refused.value.field == "claim_number"
    assert ledger.report(AGENT, **report_fields(claim_number="SB-2026-0007")).version == 1
