"""Property: a decision across claims is the policy's decision on the unit's whole history.

For random purchase days, repairs spread over several earlier claims (fixed or still
failing) and a report day for a new claim, the ledger's decision on the new claim
equals ``evaluate`` on one query holding every earlier repair that was over by the
report day: the ledger hands the policy the unit's history, whichever claims
recorded it.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.application import ClaimsLedger
from domain.policy import default_policy_book, evaluate
from domain.values import PolicyQuery, RepairRecord
from domain.vocabulary import Cause, ProofOfPurchase, RepairOutcome

from .test_unit_history import Clock, diagnose, repair, report

BOUGHT = date(2025, 11, 1)

repairs = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=40),  # days after the previous claim's repair
        st.integers(min_value=1, max_value=12),  # days in repair
        st.booleans(),  # fixed
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first_day=st.integers(min_value=61, max_value=200),  # the policy starts 2026-01-01
    earlier=repairs,
    report_after=st.integers(min_value=1, max_value=200),
)
def test_the_ledger_decides_as_the_policy_on_the_units_whole_history(
    first_day: int, earlier: list[tuple[int, int, bool]], report_after: int
) -> None:
    clock = Clock()
    ledger = ClaimsLedger(env={"AGGREGATE_CACHE_MAXSIZE": "100"}, clock=clock)
    day = BOUGHT + timedelta(days=first_day)
    recorded: list[RepairRecord] = []
    for number, (gap, length, fixed) in enumerate(earlier):
        if sum(r.outcome is RepairOutcome.STILL_FAILING for r in recorded) >= 2:
            break  # the next claim would be exchanged, not repaired
        day += timedelta(days=gap)  # at most day 200 + 3 × 52: within the 12 months
        claim_id = report(ledger, clock, f"C-{number}", day, "SN-P")
        diagnose(ledger, claim_id)
        end = day + timedelta(days=length - 1)
        repair(ledger, clock, claim_id, day, end, fixed=fixed)
        outcome = RepairOutcome.FIXED if fixed else RepairOutcome.STILL_FAILING
        recorded.append(RepairRecord(day, end, outcome))
        day = end
    reported_on = day + timedelta(days=report_after)

    last = report(ledger, clock, "C-last", reported_on, "SN-P")
    decided = diagnose(ledger, last).item(1).decision

    query = PolicyQuery(
        category="lighting",
        purchased_on=BOUGHT,
        reported_on=reported_on,
        cause=Cause.QUALITY_DEFECT,
        proof=ProofOfPurchase.INVOICE,
        repairs=tuple(recorded),
    )
    expected = evaluate(default_policy_book().in_force(reported_on), query)
    assert decided is not None
    assert (decided.rule_id, decided.free, decided.warranty_ends_on, decided.remedies) == (
        expected.rule_id,
        expected.free,
        expected.warranty_ends_on,
        expected.remedies,
    )
