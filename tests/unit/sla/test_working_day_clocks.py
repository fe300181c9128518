"""Due times of the working-day clocks on the business calendar."""

from datetime import date

from domain.calendar import BusinessCalendar
from domain.vocabulary import ClaimKind
from tests.unit.sla.timeline import clocks, ev, only, sh

FRIDAY_AT_FIVE = sh(2026, 11, 20, 17)
LATER = sh(2026, 11, 20, 18)


def test_solution_proposal_classified_friday_at_five_is_due_tuesday_at_five() -> None:
    runs = clocks(ev("Classified", FRIDAY_AT_FIVE), now=LATER, kind=ClaimKind.COMPLAINT)
    assert only(runs, "solution_proposal").due_at == sh(2026, 11, 24, 17)


def test_work_start_diagnosed_friday_at_five_is_due_wednesday_at_five() -> None:
    runs = clocks(ev("Diagnosed", FRIDAY_AT_FIVE), now=LATER)
    assert only(runs, "work_start").due_at == sh(2026, 11, 25, 17)


def test_repair_started_friday_at_five_is_due_the_tuesday_after_next_at_five() -> None:
    # 1 h on Friday, 9 h on each of the next six working days, 8 h on Tuesday 12-01.
    runs = clocks(ev("RepairStarted", FRIDAY_AT_FIVE), now=LATER)
    assert only(runs, "repair").due_at == sh(2026, 12, 1, 17)


def test_first_response_to_a_friday_report_runs_through_the_weekend() -> None:
    runs = clocks(ev("Reported", FRIDAY_AT_FIVE), now=LATER)
    assert only(runs, "first_response").due_at == sh(2026, 11, 21, 17)


def test_work_start_diagnosed_on_national_day_eve_is_due_on_the_adjusted_saturday() -> None:
    runs = clocks(ev("Diagnosed", sh(2026, 9, 30, 10)), now=sh(2026, 9, 30, 11))
    assert only(runs, "work_start").due_at == sh(2026, 10, 10, 10)


def test_refund_clock_counts_calendar_days_through_national_day() -> None:
    runs = clocks(ev("ReturnReceived", sh(2026, 9, 30, 10)), now=sh(2026, 9, 30, 11))
    assert only(runs, "refund").due_at == sh(2026, 10, 7, 10)


def test_work_start_in_a_year_without_official_data_skips_operator_holidays() -> None:
    calendar = BusinessCalendar(extra_holidays=frozenset({date(2027, 1, 1)}))
    runs = clocks(ev("Diagnosed", sh(2026, 12, 31, 17)), now=sh(2027, 1, 4), calendar=calendar)
    assert only(runs, "work_start").due_at == sh(2027, 1, 6, 17)


def test_work_start_diagnosed_before_spring_festival_2027_skips_the_holiday() -> None:
    # 8 h on Thursday 02-04; 02-05 to 02-10 are New Year's Eve, the festival and the
    # days off in lieu (the ``holidays`` package's 2027 data); 9 h on 02-11 and 02-12;
    # the last hour on Monday 02-15.
    runs = clocks(ev("Diagnosed", sh(2027, 2, 4, 10)), now=sh(2027, 2, 4, 11))
    assert only(runs, "work_start").due_at == sh(2027, 2, 15, 10)


def test_spring_festival_2027_counts_an_adjusted_working_saturday_the_operator_lists() -> None:
    calendar = BusinessCalendar(extra_workdays=frozenset({date(2027, 2, 13)}))
    runs = clocks(ev("Diagnosed", sh(2027, 2, 4, 10)), now=sh(2027, 2, 4, 11), calendar=calendar)
    assert only(runs, "work_start").due_at == sh(2027, 2, 13, 10)
