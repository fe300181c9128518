"""How a clock run is judged: running, due soon, met or breached."""

from datetime import datetime

import pytest

from domain.errors import InvalidInputError
from domain.sla import SlaEvent, breaches, compute_clocks
from domain.vocabulary import ClaimKind
from tests.unit.sla.timeline import CALENDAR, clocks, ev, only, sh

REPORTED = ev("Reported", sh(2026, 11, 23, 10))
DUE = sh(2026, 11, 24, 10)


def test_clock_far_from_due_is_running() -> None:
    assert only(clocks(REPORTED, now=sh(2026, 11, 23, 12)), "first_response").state == "running"


def test_clock_due_within_four_hours_is_due_soon() -> None:
    assert only(clocks(REPORTED, now=sh(2026, 11, 24, 7)), "first_response").state == "due_soon"


def test_clock_due_exactly_now_is_not_yet_breached() -> None:
    assert only(clocks(REPORTED, now=DUE), "first_response").state == "due_soon"


def test_clock_running_past_due_is_breached_at_its_due_time() -> None:
    run = only(clocks(REPORTED, now=sh(2026, 11, 24, 10, 1)), "first_response")
    assert (run.state, run.breached_at, run.stopped_at) == ("breached", DUE, None)


def test_clock_stopped_before_due_is_met() -> None:
    acknowledged = ev("Acknowledged", sh(2026, 11, 23, 15))
    run = only(clocks(REPORTED, acknowledged, now=sh(2026, 12, 1)), "first_response")
    assert (run.state, run.stopped_at, run.breached_at) == ("met", sh(2026, 11, 23, 15), None)


def test_clock_stopped_after_due_is_breached() -> None:
    acknowledged = ev("Acknowledged", sh(2026, 11, 24, 11))
    run = only(clocks(REPORTED, acknowledged, now=sh(2026, 12, 1)), "first_response")
    assert (run.state, run.breached_at) == ("breached", DUE)


def test_closing_the_claim_ends_every_running_clock() -> None:
    runs = clocks(
        REPORTED,
        ev("Diagnosed", sh(2026, 11, 23, 11)),
        ev("Closed", sh(2026, 11, 23, 12)),
        now=sh(2026, 12, 1),
    )
    assert {(run.clock, run.stopped_by, run.state) for run in runs} == {
        ("first_response", "Closed", "met"),
        ("work_start", "Closed", "met"),
    }


def test_withdrawal_after_due_is_judged_a_breach() -> None:
    withdrawn = ev("Withdrawn", sh(2026, 11, 25, 9))
    assert only(clocks(REPORTED, withdrawn, now=sh(2026, 12, 1)), "first_response").state == (
        "breached"
    )


def test_refund_stops_both_work_start_and_refund_clocks() -> None:
    runs = clocks(
        ev("Diagnosed", sh(2026, 11, 23, 10)),
        ev("ReturnReceived", sh(2026, 11, 24, 10)),
        ev("Refunded", sh(2026, 11, 24, 12)),
        now=sh(2026, 12, 1),
    )
    assert [(run.clock, run.stopped_by) for run in runs] == [
        ("work_start", "Refunded"),
        ("refund", "Refunded"),
    ]


def test_stop_event_without_a_running_clock_starts_nothing() -> None:
    assert clocks(ev("Acknowledged", sh(2026, 11, 23, 10)), now=sh(2026, 12, 1)) == []


def test_breaches_lists_only_breached_runs() -> None:
    runs = clocks(REPORTED, ev("Diagnosed", sh(2026, 11, 24, 9)), now=sh(2026, 11, 24, 11))
    assert [run.clock for run in breaches(runs)] == ["first_response"]


def test_naive_now_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        compute_clocks([REPORTED], ClaimKind.REPAIR, CALENDAR, datetime(2026, 11, 24))


def test_naive_event_time_is_refused() -> None:
    naive = SlaEvent("Reported", datetime(2026, 11, 23, 10))
    with pytest.raises(InvalidInputError):
        compute_clocks([naive], ClaimKind.REPAIR, CALENDAR, sh(2026, 11, 24))
