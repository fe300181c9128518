"""SlaPaused and SlaResumed push due times back by the time spent paused."""

from datetime import timedelta

from tests.unit.sla.timeline import clocks, ev, only, sh

DIAGNOSED_MONDAY = ev("Diagnosed", sh(2026, 11, 23, 9))
REPORTED_MONDAY = ev("Reported", sh(2026, 11, 23, 10))


def test_pause_extends_a_working_day_clock_by_the_paused_working_time() -> None:
    # Paused 14:00 Monday to 11:00 Tuesday: 4 h + 2 h of working time.
    run = only(
        clocks(
            DIAGNOSED_MONDAY,
            ev("SlaPaused", sh(2026, 11, 23, 14)),
            ev("SlaResumed", sh(2026, 11, 24, 11)),
            now=sh(2026, 11, 24, 12),
        ),
        "work_start",
    )
    assert (run.due_at, run.paused_total) == (sh(2026, 11, 26, 15), timedelta(hours=6))


def test_pause_over_a_weekend_does_not_move_a_working_day_clock() -> None:
    run = only(
        clocks(
            ev("Diagnosed", sh(2026, 11, 20, 17)),
            ev("SlaPaused", sh(2026, 11, 20, 18, 30)),
            ev("SlaResumed", sh(2026, 11, 23, 8)),
            now=sh(2026, 11, 23, 9),
        ),
        "work_start",
    )
    assert (run.due_at, run.paused_total) == (sh(2026, 11, 25, 17), timedelta())


def test_pause_extends_an_elapsed_clock_by_the_paused_elapsed_time() -> None:
    run = only(
        clocks(
            REPORTED_MONDAY,
            ev("SlaPaused", sh(2026, 11, 23, 12)),
            ev("SlaResumed", sh(2026, 11, 23, 15)),
            now=sh(2026, 11, 23, 16),
        ),
        "first_response",
    )
    assert (run.due_at, run.paused_total) == (sh(2026, 11, 24, 13), timedelta(hours=3))


def test_open_pause_keeps_a_clock_from_breaching() -> None:
    run = only(
        clocks(REPORTED_MONDAY, ev("SlaPaused", sh(2026, 11, 23, 11)), now=sh(2026, 11, 27)),
        "first_response",
    )
    assert (run.state, run.paused_since, run.due_at) == (
        "running",
        sh(2026, 11, 23, 11),
        sh(2026, 11, 27, 23),
    )


def test_stop_while_paused_counts_the_pause_up_to_the_stop() -> None:
    run = only(
        clocks(
            REPORTED_MONDAY,
            ev("SlaPaused", sh(2026, 11, 23, 11)),
            ev("Acknowledged", sh(2026, 11, 24, 12)),
            now=sh(2026, 11, 27),
        ),
        "first_response",
    )
    assert (run.state, run.paused_total, run.paused_since) == ("met", timedelta(hours=25), None)


def test_pause_does_not_touch_a_clock_started_afterwards() -> None:
    run = only(
        clocks(
            ev("SlaPaused", sh(2026, 11, 23, 9)),
            REPORTED_MONDAY,
            ev("SlaResumed", sh(2026, 11, 23, 12)),
            now=sh(2026, 11, 23, 13),
        ),
        "first_response",
    )
    assert (run.due_at, run.paused_total) == (sh(2026, 11, 24, 10), timedelta())


def test_second_pause_while_paused_keeps_the_first_pause_start() -> None:
    run = only(
        clocks(
            REPORTED_MONDAY,
            ev("SlaPaused", sh(2026, 11, 23, 11)),
            ev("SlaPaused", sh(2026, 11, 23, 13)),
            ev("SlaResumed", sh(2026, 11, 23, 14)),
            now=sh(2026, 11, 23, 15),
        ),
        "first_response",
    )
    assert run.paused_total == timedelta(hours=3)
