"""The ledger's time rules: the clock skew, undated facts, and honest history queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import (
    ClaimNotFoundError,
    ExclusiveParametersError,
    InvalidInputError,
    OutOfWindowError,
    TimeOrderError,
    VersionNotFoundError,
)
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role

AGENT = Actor("agent-1", Role.AGENT)
NOW = datetime(2026, 11, 2, 9, 0).astimezone()


def new_ledger(**options: Any) -> ClaimsLedger:
    return ClaimsLedger(env={"AGGREGATE_CACHE_MAXSIZE": "100"}, clock=lambda: NOW, **options)


def report(ledger: ClaimsLedger, **overrides: Any) -> UUID:
    fields: dict[str, Any] = {
        "claim_number": "C-1",
        "kind": ClaimKind.REPAIR,
        "channel": Channel.PHONE,
        "customer": Customer(name="王芳", phone="13712345678", region="江苏"),
        "items": (Item("XD-450", "lighting"),),
        "purchase": Purchase(date(2026, 10, 20)),
        "requested_remedy": None,
        "description": "does not light",
        **overrides,
    }
    return ledger.report(AGENT, **fields).claim_id


def test_a_fact_within_the_configured_skew_ahead_is_accepted_beyond_it_refused() -> None:
    ledger = new_ledger(clock_skew=timedelta(minutes=1))
    claim_id = report(ledger)
    ledger.command(Claim.add_note, claim_id, AGENT, NOW + timedelta(seconds=50), text="ok")
    with pytest.raises(InvalidInputError, match="future"):
        ledger.command(Claim.add_note, claim_id, AGENT, NOW + timedelta(seconds=70), text="no")


def test_an_undated_fact_after_one_dated_slightly_ahead_takes_that_time() -> None:
    ledger = new_ledger()
    claim_id = report(ledger)
    ahead = NOW + timedelta(minutes=2)
    ledger.command(Claim.add_note, claim_id, AGENT, ahead, text="caller's clock runs fast")
    ledger.command(Claim.add_note, claim_id, AGENT, text="undated")
    assert ledger.history(claim_id)[-1].occurred_at == ahead


def test_a_back_dated_fact_before_the_previous_one_is_refused_and_stores_nothing() -> None:
    ledger = new_ledger()
    claim_id = report(ledger, occurred_at=NOW - timedelta(days=1))
    with pytest.raises(TimeOrderError):
        ledger.command(Claim.add_note, claim_id, AGENT, NOW - timedelta(days=2), text="early")
    assert ledger.get_claim(claim_id).version == 1


def test_a_purchase_after_today_is_refused() -> None:
    ledger = new_ledger()
    with pytest.raises(OutOfWindowError) as refused:
        report(ledger, purchase=Purchase(date(2026, 10, 20), delivered_on=date(2026, 11, 9)))
    assert refused.value.field == "purchase.delivered_on"


def test_a_purchase_before_2000_is_refused() -> None:
    with pytest.raises(OutOfWindowError):
        report(new_ledger(), purchase=Purchase(date(1999, 12, 31)))


def test_a_version_beyond_the_current_one_is_not_found_naming_the_current_version() -> None:
    ledger = new_ledger()
    claim_id = report(ledger)
    ledger.command(Claim.add_note, claim_id, AGENT, text="second")
    with pytest.raises(VersionNotFoundError) as refused:
        ledger.get_claim(claim_id, version=99)
    assert refused.value.current == 2


def test_version_and_as_of_together_are_refused_naming_both() -> None:
    ledger = new_ledger()
    claim_id = report(ledger)
    with pytest.raises(ExclusiveParametersError) as refused:
        ledger.get_claim_at(claim_id, version=1, as_of=NOW)
    assert refused.value.fields == ("version", "as_of")


def test_the_state_as_of_a_business_time_holds_the_facts_that_occurred_by_then() -> None:
    ledger = new_ledger()
    claim_id = report(ledger, occurred_at=NOW - timedelta(days=3))
    ledger.command(Claim.add_note, claim_id, AGENT, NOW - timedelta(days=2), text="a")
    ledger.command(Claim.add_note, claim_id, AGENT, NOW - timedelta(days=1), text="b")
    at = NOW - timedelta(days=1, hours=12)
    assert ledger.get_claim_at(claim_id, as_of_business=at).note_count == 1
    assert ledger.get_claim_as_of_business(claim_id, NOW).note_count == 2


def test_a_business_time_before_the_first_fact_is_not_found() -> None:
    ledger = new_ledger()
    claim_id = report(ledger, occurred_at=NOW - timedelta(days=3))
    with pytest.raises(ClaimNotFoundError):
        ledger.get_claim_as_of_business(claim_id, NOW - timedelta(days=4))
