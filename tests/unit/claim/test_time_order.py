"""Business time runs forward: each fact at or after the claim's previous fact."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.claim import Claim
from domain.errors import OutOfWindowError, TimeOrderError
from domain.vocabulary import RepairMode
from tests.unit.claim.factories import AGENT, TECH, at, diagnosed, reported

CHINA = timezone(timedelta(hours=8))


def test_an_acknowledgement_dated_before_the_report_is_refused_and_records_nothing() -> None:
    claim = reported()
    with pytest.raises(TimeOrderError) as refused:
        claim.acknowledge(AGENT, at(-1), "received", None)
    assert refused.value.field == "occurred_at"
    assert (refused.value.previous, refused.value.version) == (at(0), 1)
    assert claim.version == 1
    assert claim.acknowledged_at is None


def test_a_fact_at_the_same_moment_as_the_previous_one_is_accepted() -> None:
    claim = reported()
    claim.add_note(AGENT, at(0), "called back at once")
    assert claim.version == 2


def test_the_previous_fact_is_the_latest_one_not_the_report() -> None:
    claim = diagnosed()
    with pytest.raises(TimeOrderError) as refused:
        claim.add_note(AGENT, at(1.5), "between the classification and the diagnosis")
    assert (refused.value.previous, refused.value.version) == (at(2), 3)


def test_the_same_instant_in_another_zone_is_in_order() -> None:
    claim = reported()
    claim.add_note(AGENT, at(0).astimezone(CHINA), "same moment, China time")
    assert claim.last_occurred_at == at(0)


def test_a_claim_rebuilt_from_its_events_knows_its_latest_business_time() -> None:
    claim = diagnosed()
    rebuilt = None
    for event in claim.collect_events():
        rebuilt = event.mutate(rebuilt)
    assert isinstance(rebuilt, Claim)
    assert rebuilt.last_occurred_at == at(2)


@given(st.lists(st.integers(min_value=-48, max_value=48), min_size=1, max_size=12))
def test_whatever_order_notes_come_in_the_recorded_times_never_go_backwards(
    offsets: list[int],
) -> None:
    claim = reported()
    for hours in offsets:
        try:
            claim.add_note(AGENT, at(hours), "note")
        except TimeOrderError:
            pass
    times = [event.occurred_at for event in claim.collect_events()]  # type: ignore[attr-defined]
    assert times == sorted(times)


def test_a_repair_scheduled_before_the_fact_that_schedules_it_is_refused() -> None:
    claim = diagnosed()
    with pytest.raises(OutOfWindowError) as refused:
        claim.schedule_repair(TECH, at(3), 1, RepairMode.ON_SITE, at(2))
    assert refused.value.field == "scheduled_for"


def test_a_repair_scheduled_at_the_end_of_the_calendar_is_refused() -> None:
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
    with pytest.raises(OutOfWindowError):
        diagnosed().schedule_repair(TECH, at(3), 1, RepairMode.ON_SITE, last)


def test_a_repair_may_be_scheduled_up_to_two_years_ahead() -> None:
    claim = diagnosed()
    claim.schedule_repair(TECH, at(3), 1, RepairMode.ON_SITE, at(3) + timedelta(days=730))
    with pytest.raises(OutOfWindowError):
        diagnosed().schedule_repair(TECH, at(3), 1, RepairMode.ON_SITE, at(3) + timedelta(days=800))


def test_a_promise_more_than_two_years_ahead_is_refused() -> None:
    with pytest.raises(OutOfWindowError) as refused:
        reported().acknowledge(AGENT, at(1), "received", date(2029, 1, 1))
    assert refused.value.field == "promised_by"
