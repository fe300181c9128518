"""The claims view's resolution time and the processing-time figures, on the in-memory store."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Cause, Channel, ClaimKind, Role
from projections.claims.claims_view import ClaimFold
from projections.engine.envelope import Envelope
from projections.reports.processing_time import ProcessingTime

AGENT = Actor("agent-1", Role.AGENT)
NOW = datetime(2026, 11, 20, 12, tzinfo=BUSINESS_TZ)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=BUSINESS_TZ)


def complaint(ledger: ClaimsLedger) -> UUID:
    return ledger.report(
        AGENT,
        occurred_at=at(9, 10),
        claim_number="C-1",
        kind=ClaimKind.COMPLAINT,
        channel=Channel.PHONE,
        customer=Customer(name="王芳", phone="13712345678", region="江苏"),
        items=(Item("XD-450", "lighting"),),
        purchase=Purchase(date(2026, 10, 20)),
        requested_remedy=None,
        description="rude service",
    ).claim_id


def fold(ledger: ClaimsLedger, claim_id: UUID) -> ClaimFold:
    events: list[Any] = list(ledger.events.get(claim_id))
    folded = ClaimFold.start(Envelope.wrap(1, events[0]))
    for position, event in enumerate(events[1:], start=2):
        folded.apply(Envelope.wrap(position, event))
    return folded


def resolve(ledger: ClaimsLedger, claim_id: UUID, when: datetime) -> None:
    ledger.command(
        Claim.diagnose, claim_id, AGENT, when, finding="致歉", cause=Cause.SERVICE_FAILURE
    )


def test_resolved_at_is_the_time_of_the_event_that_resolved_the_claim() -> None:
    ledger = ClaimsLedger(clock=lambda: NOW)
    claim_id = complaint(ledger)
    assert fold(ledger, claim_id).resolved_at is None

    resolve(ledger, claim_id, at(10, 12))

    assert fold(ledger, claim_id).resolved_at == at(10, 12)


def test_closing_keeps_the_resolution_and_reopening_clears_it_until_resolved_again() -> None:
    ledger = ClaimsLedger(clock=lambda: NOW)
    claim_id = complaint(ledger)
    resolve(ledger, claim_id, at(10, 12))
    ledger.command(Claim.confirm, claim_id, AGENT, at(10, 13))
    ledger.command(Claim.close, claim_id, AGENT, at(10, 14), reason="满意")
    assert fold(ledger, claim_id).resolved_at == at(10, 12)

    ledger.command(Claim.reopen, claim_id, AGENT, at(11, 9), reason="again")
    assert fold(ledger, claim_id).resolved_at is None

    resolve(ledger, claim_id, at(12, 9))
    assert fold(ledger, claim_id).resolved_at == at(12, 9)


def test_a_claim_withdrawn_after_its_resolution_counts_as_not_resolved() -> None:
    ledger = ClaimsLedger(clock=lambda: NOW)
    claim_id = complaint(ledger)
    resolve(ledger, claim_id, at(10, 12))

    ledger.command(Claim.withdraw, claim_id, AGENT, at(10, 13), reason="客户撤回")

    assert fold(ledger, claim_id).resolved_at is None


hours = st.lists(st.floats(min_value=0, max_value=10_000, allow_nan=False), min_size=1)


@given(hours)
def test_processing_time_figures_lie_between_the_shortest_and_the_longest(
    values: list[float],
) -> None:
    figures = ProcessingTime.of(values)
    low, high = min(values), max(values)
    assert figures.claims == len(values) and figures.max_hours == high
    for figure in (figures.mean_hours, figures.median_hours):
        assert figure is not None and round(low, 2) - 0.01 <= figure <= round(high, 2) + 0.01


def test_a_group_without_claims_has_no_hours() -> None:
    assert ProcessingTime.of([]) == ProcessingTime(0, None, None, None)


def test_working_hours_skip_the_night() -> None:
    # The figure the report uses: Mon 17:00 to Tue 10:00 is two working hours.
    calendar = ClaimsLedger().calendar
    assert calendar.working_time_between(at(9, 17), at(10, 10)) == timedelta(hours=2)
