"""The ledger application on the library's in-memory store: retries, idempotent reports, queries.

A second writer is played by writing a newer version of a claim straight to the
event store, behind this process's cache: exactly what another process's save
looks like to this one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import (
    ClaimNotFoundError,
    ConcurrencyConflictError,
    DuplicateClaimError,
    InvalidInputError,
    StaleVersionError,
)
from domain.values import Actor, Customer, Item, Purchase, SealedCustomer
from domain.vocabulary import Channel, ClaimKind, Role

AGENT = Actor("agent-1", Role.AGENT)
SUPERVISOR = Actor("boss-1", Role.SUPERVISOR)
NOW = datetime(2026, 11, 2, 9, 0).astimezone()
CUSTOMER = Customer(name="王芳", phone="13712345678", region="江苏", customer_id="crm-9")


@pytest.fixture
def ledger() -> ClaimsLedger:
    """The ledger in memory, with the aggregate cache the service runs with."""
    return ClaimsLedger(env={"AGGREGATE_CACHE_MAXSIZE": "100"}, clock=lambda: NOW)


def report_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "claim_number": "C-1",
        "kind": ClaimKind.REPAIR,
        "channel": Channel.PHONE,
        "customer": CUSTOMER,
        "items": (Item("XD-450", "lighting"),),
        "purchase": Purchase(date(2026, 10, 20)),
        "requested_remedy": None,
        "description": "does not light",
    }
    return {**fields, **overrides}


def report(ledger: ClaimsLedger, **overrides: Any) -> UUID:
    return ledger.report(AGENT, **report_fields(**overrides)).claim_id


def write_elsewhere(ledger: ClaimsLedger, claim_id: UUID, change: Callable[[Claim], None]) -> None:
    """Another writer's save: a newer version in the store, unknown to this process's cache."""
    stored: Claim = ledger.repository.get(claim_id, version=len(ledger.history(claim_id)))
    change(stored)
    ledger.events.put(stored.collect_events())


def test_a_reported_claim_is_loaded_back_with_its_customer_unsealed(ledger: ClaimsLedger) -> None:
    claim = ledger.get_claim(report(ledger))
    assert claim.claim_number == "C-1" and claim.version == 1
    assert isinstance(claim.customer, SealedCustomer)
    assert CUSTOMER.name not in claim.customer.sealed
    assert ledger.customer_of(claim) == replace(CUSTOMER, customer_id=claim.customer.customer_id)


def test_reporting_the_same_claim_number_twice_yields_one_claim(ledger: ClaimsLedger) -> None:
    first = ledger.report(AGENT, **report_fields())
    again = ledger.report(AGENT, **report_fields())
    assert (again.claim_id, again.version) == (first.claim_id, 1)
    assert [h.event_type for h in ledger.history(first.claim_id)] == ["Reported"]


def test_the_same_client_key_twice_yields_one_claim(ledger: ClaimsLedger) -> None:
    fields = report_fields(claim_number=None)
    first = ledger.report(AGENT, client_key="crm-4711-retry", **fields)
    again = ledger.report(AGENT, client_key="crm-4711-retry", **fields)
    assert again.claim_id == first.claim_id
    assert again.claim_number == first.claim_number
    assert len(ledger.history(first.claim_id)) == 1


def test_a_claim_number_reused_with_other_facts_is_refused(ledger: ClaimsLedger) -> None:
    report(ledger)
    with pytest.raises(DuplicateClaimError):
        report(ledger, description="something else")


def test_a_claim_number_reused_for_another_customer_is_refused(ledger: ClaimsLedger) -> None:
    report(ledger)
    with pytest.raises(DuplicateClaimError):
        report(ledger, customer=replace(CUSTOMER, name="李娜"))


def test_a_write_lost_to_another_writer_is_retried_on_the_stored_claim(
    ledger: ClaimsLedger,
) -> None:
    claim_id = report(ledger)
    ledger.command(Claim.add_note, claim_id, AGENT, text="mine, cached")
    write_elsewhere(ledger, claim_id, lambda c: c.add_note(SUPERVISOR, NOW, "theirs"))

    result = ledger.command(Claim.add_note, claim_id, AGENT, text="mine, retried")

    assert result.version == 4
    notes = [h.data["text"] for h in ledger.history(claim_id)[1:]]
    assert notes == ["mine, cached", "theirs", "mine, retried"]


def test_a_command_the_other_writer_made_invalid_is_refused_as_a_conflict(
    ledger: ClaimsLedger,
) -> None:
    claim_id = report(ledger)
    ledger.command(Claim.add_note, claim_id, AGENT, text="cached")
    write_elsewhere(ledger, claim_id, lambda c: c.withdraw(SUPERVISOR, NOW, "customer called"))

    with pytest.raises(ConcurrencyConflictError):
        ledger.command(Claim.add_note, claim_id, AGENT, text="too late")
    assert [h.event_type for h in ledger.history(claim_id)][-1] == "Withdrawn"


def test_an_expected_version_another_writer_moved_past_is_refused(ledger: ClaimsLedger) -> None:
    claim_id = report(ledger)
    write_elsewhere(ledger, claim_id, lambda c: c.add_note(SUPERVISOR, NOW, "theirs"))
    with pytest.raises(StaleVersionError):
        ledger.command(Claim.add_note, claim_id, AGENT, expected_version=1, text="mine")
    assert len(ledger.history(claim_id)) == 2


def test_reading_a_cached_claim_catches_up_with_other_writers(ledger: ClaimsLedger) -> None:
    claim_id = report(ledger)
    assert ledger.get_claim(claim_id).version == 1  # now cached
    write_elsewhere(ledger, claim_id, lambda c: c.add_note(SUPERVISOR, NOW, "theirs"))
    assert ledger.get_claim(claim_id).version == 2


def test_history_lists_events_in_order_with_actor_and_both_times(ledger: ClaimsLedger) -> None:
    claim_id = report(ledger, occurred_at=NOW - timedelta(days=3))
    earlier = NOW - timedelta(days=2)
    ledger.command(Claim.add_note, claim_id, SUPERVISOR, occurred_at=earlier, text="called")
    history = ledger.history(claim_id)
    assert [(h.version, h.event_type) for h in history] == [(1, "Reported"), (2, "NoteAdded")]
    assert (history[1].actor, history[1].occurred_at) == (SUPERVISOR, earlier)
    assert history[1].recorded_at >= history[0].recorded_at
    assert history[1].data == {"text": "called"}


def test_the_claim_as_of_a_recorded_time_is_the_version_recorded_by_then(
    ledger: ClaimsLedger,
) -> None:
    claim_id = report(ledger)
    ledger.command(Claim.add_note, claim_id, AGENT, text="later")
    first, second = ledger.history(claim_id)
    assert ledger.get_claim_as_of(claim_id, first.recorded_at).version == 1
    assert ledger.get_claim_as_of(claim_id, second.recorded_at).version == 2


def test_a_claim_before_its_report_or_never_reported_is_not_found(ledger: ClaimsLedger) -> None:
    claim_id = report(ledger)
    with pytest.raises(ClaimNotFoundError):
        ledger.get_claim_as_of(claim_id, datetime(2000, 1, 1).astimezone())
    with pytest.raises(ClaimNotFoundError):
        ledger.history(Claim.create_id("never"))
    with pytest.raises(ClaimNotFoundError):
        ledger.command(Claim.add_note, Claim.create_id("never"), AGENT, text="x")


def test_business_times_in_the_future_or_too_far_back_are_refused(ledger: ClaimsLedger) -> None:
    claim_id = report(ledger)
    for when in (NOW + timedelta(hours=1), NOW - timedelta(days=31)):
        with pytest.raises(InvalidInputError):
            ledger.command(Claim.add_note, claim_id, AGENT, occurred_at=when, text="x")
    assert len(ledger.history(claim_id)) == 1
