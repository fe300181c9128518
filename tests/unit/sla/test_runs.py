"""Which clocks run for a claim, and when a clock runs again."""

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import InvalidInputError
from domain.sla import DEFAULT_CLOCKS, ClockDefinition
from domain.vocabulary import ClaimKind
from tests.unit.sla.timeline import clocks, ev, only, sh

NOW = sh(2026, 12, 31)


def test_solution_proposal_runs_for_complaints() -> None:
    runs = clocks(ev("Classified", sh(2026, 11, 23, 10)), now=NOW, kind=ClaimKind.COMPLAINT)
    assert [run.clock for run in runs] == ["solution_proposal"]


def test_solution_proposal_does_not_run_for_repairs() -> None:
    assert clocks(ev("Classified", sh(2026, 11, 23, 10)), now=NOW, kind=ClaimKind.REPAIR) == []


def test_quote_stops_the_solution_proposal_clock() -> None:
    runs = clocks(
        ev("Classified", sh(2026, 11, 23, 10)),
        ev("Quoted", sh(2026, 11, 24, 10)),
        now=NOW,
        kind=ClaimKind.COMPLAINT,
    )
    assert only(runs, "solution_proposal").stopped_by == "Quoted"


def test_second_repair_starts_a_second_repair_run() -> None:
    runs = clocks(
        ev("RepairStarted", sh(2026, 11, 23, 9)),
        ev("Repaired", sh(2026, 11, 24, 9)),
        ev("RepairStarted", sh(2026, 11, 30, 9)),
        now=sh(2026, 11, 30, 10),
    )
    assert [(run.run, run.started_at, run.state) for run in runs] == [
        (1, sh(2026, 11, 23, 9), "met"),
        (2, sh(2026, 11, 30, 9), "running"),
    ]


def test_new_diagnosis_after_work_started_runs_work_start_again() -> None:
    runs = clocks(
        ev("Diagnosed", sh(2026, 11, 23, 9)),
        ev("RepairStarted", sh(2026, 11, 23, 10)),
        ev("Diagnosed", sh(2026, 11, 24, 9)),
        now=sh(2026, 11, 24, 10),
    )
    assert [run.run for run in runs if run.clock == "work_start"] == [1, 2]


def test_start_event_while_the_clock_runs_is_ignored() -> None:
    runs = clocks(
        ev("RepairStarted", sh(2026, 11, 23, 9)),
        ev("RepairStarted", sh(2026, 11, 24, 9)),
        now=sh(2026, 11, 24, 10),
    )
    assert only(runs, "repair").started_at == sh(2026, 11, 23, 9)


def test_configured_target_replaces_the_default() -> None:
    two_hours = tuple(
        replace(clock, target=timedelta(hours=2)) if clock.name == "first_response" else clock
        for clock in DEFAULT_CLOCKS
    )
    runs = clocks(ev("Reported", sh(2026, 11, 23, 10)), now=NOW, definitions=two_hours)
    assert only(runs, "first_response").due_at == sh(2026, 11, 23, 12)


def test_clock_with_both_kinds_of_target_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        ClockDefinition(
            "x",
            frozenset({"A"}),
            frozenset({"B"}),
            target=timedelta(hours=1),
            working_days=1,
        )


def test_clock_without_a_target_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        ClockDefinition("x", frozenset({"A"}), frozenset({"B"}))


def test_clocks_with_the_same_name_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        clocks(now=NOW, definitions=DEFAULT_CLOCKS + DEFAULT_CLOCKS[:1])
