"""The satisfaction report on hand-made claims, surveyed in months of their own.

The claims are complaints resolved by a proposal (no 三包 policy involved), dated
years back by a ledger that allows it, so no other test's surveys share their
months. Assignees are unique per test; teams are not, hence the distinct years.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from domain.errors import InvalidInputError
from domain.values import Purchase
from domain.vocabulary import Cause, ClaimKind, Team
from projections.claims.claims_view import ClaimsView
from projections.reports.satisfaction import SatisfactionRow, satisfaction_report
from tests.integration.reports import AGENT, TECH, new_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def past(migrated_url: str) -> Iterator[ClaimsLedger]:
    """A ledger that accepts business times years back, on the session's database."""
    app = ClaimsLedger(
        env=eventsourcing_env(migrated_url, pool_size=2), max_backdate=timedelta(days=3650)
    )
    yield app
    app.close()


@pytest.fixture
def survey(past: ClaimsLedger) -> Callable[..., None]:
    """A complaint resolved on ``day`` at 10:00 China time, confirmed at 11:00 and
    surveyed at 12:00 (or ``surveyed_at``), followed up ``follow_up`` hours after."""

    def run(
        team: Team,
        assignee: str,
        day: date,
        score: int | None,
        follow_up: float | None = None,
        confirm: bool = True,
        surveyed_at: datetime | None = None,
    ) -> None:
        start = datetime(day.year, day.month, day.day, 10, tzinfo=BUSINESS_TZ)
        report = new_report(
            kind=ClaimKind.COMPLAINT, purchase=Purchase(date(2020, 1, 1)), occurred_at=start
        )
        claim_id = past.report(AGENT, **report).claim_id
        past.command(Claim.assign, claim_id, AGENT, start, team=team, assignee=assignee)
        past.command(
            Claim.diagnose,
            claim_id,
            TECH,
            finding="apology",
            cause=Cause.SERVICE_FAILURE,
            occurred_at=start,
        )
        confirmed = start + timedelta(hours=1)
        if confirm:
            past.command(Claim.confirm, claim_id, AGENT, confirmed)
        later: list[tuple[datetime, Any, dict[str, Any]]] = []
        if follow_up is not None:
            at = confirmed + timedelta(hours=follow_up)
            later.append((at, Claim.follow_up, {"outcome": "called"}))
        if score is not None:
            at = surveyed_at or start + timedelta(hours=2)
            later.append((at, Claim.survey, {"score": score}))
        # Recorded in the order they happened: business time never runs backwards.
        for at, method, kwargs in sorted(later, key=lambda fact: fact[0]):
            past.command(method, claim_id, AGENT, at, **kwargs)

    return run


@pytest.fixture
def report(
    ledger: ClaimsLedger, catch_up: Callable[..., Any], migrated_url: str
) -> Callable[..., list[SatisfactionRow]]:
    def run(assignees: set[str], **kwargs: Any) -> list[SatisfactionRow]:
        catch_up(ClaimsView(ledger.mapper))
        with psycopg.connect(migrated_url) as conn:
            rows = satisfaction_report(conn, **kwargs)
        return [row for row in rows if row.assignee in assignees]

    return run


def someone() -> str:
    return f"agent-{uuid.uuid4().hex[:8]}"


def test_counts_average_satisfied_share_and_timely_follow_ups(
    survey: Callable[..., None], report: Callable[..., list[SatisfactionRow]]
) -> None:
    who, team, day = someone(), Team.SERVICE_DESK, date(2022, 6, 8)
    survey(team, who, day, score=5, follow_up=24)
    survey(team, who, day, score=3, follow_up=60)  # followed up, but late
    survey(team, who, day, score=None, follow_up=None)  # confirmed, never followed up
    survey(team, who, day, score=4, confirm=False)  # surveyed without a confirmation
    [row] = report({who}, months=1, as_of=datetime(2022, 6, 30, tzinfo=BUSINESS_TZ))
    assert (row.month, row.team, row.surveys, row.satisfied) == (
        date(2022, 6, 1),
        "service_desk",
        3,
        2,
    )
    assert (row.average_score, row.satisfied_share) == (Decimal("4.00"), Decimal("0.6667"))
    assert (row.confirmations, row.followed_up_in_time) == (3, 1)
    assert row.follow_up_share == Decimal("0.3333")


def test_a_follow_up_exactly_48_hours_after_confirmation_is_in_time(
    survey: Callable[..., None], report: Callable[..., list[SatisfactionRow]]
) -> None:
    who = someone()
    survey(Team.SERVICE_DESK, who, date(2022, 9, 5), score=5, follow_up=48)
    [row] = report({who}, months=1, as_of=datetime(2022, 9, 30, tzinfo=BUSINESS_TZ))
    assert (row.followed_up_in_time, row.follow_up_share) == (1, Decimal("1.0000"))


def test_months_are_china_months(
    survey: Callable[..., None], report: Callable[..., list[SatisfactionRow]]
) -> None:
    who, day = someone(), date(2022, 10, 31)
    # 00:30 on 1 November in China is still 31 October in UTC.
    first_of_november = datetime(2022, 11, 1, 0, 30, tzinfo=BUSINESS_TZ)
    survey(Team.SERVICE_DESK, who, day, score=5, surveyed_at=first_of_november)
    survey(Team.SERVICE_DESK, who, day, score=5)
    rows = report({who}, months=2, as_of=datetime(2022, 11, 15, tzinfo=BUSINESS_TZ))
    assert [(r.month, r.surveys) for r in rows] == [(date(2022, 10, 1), 1), (date(2022, 11, 1), 1)]


def test_the_target_needs_three_consecutive_months_at_95_percent(
    survey: Callable[..., None], report: Callable[..., list[SatisfactionRow]]
) -> None:
    # Team A: steady ana, and bo whose March survey (3 of 5) sinks the team to 50 %.
    # Team B: cai surveyed every month, dan skipped February (a gap breaks the run).
    ana, bo, cai, dan = someone(), someone(), someone(), someone()
    a, b = Team.WAREHOUSE_LOGISTICS, Team.TECHNICAL_SUPPORT
    scores = {
        (a, ana): {1: 5, 2: 5, 3: 5, 4: 5},
        (a, bo): {1: 5, 2: 4, 3: 3, 4: 5},
        (b, cai): {1: 4, 2: 5, 3: 5, 4: 5},
        (b, dan): {1: 5, 3: 5, 4: 5},
    }
    for (team, who), by_month in scores.items():
        for month, score in by_month.items():
            survey(team, who, date(2023, month, 10), score=score)
    rows = report({ana, bo, cai, dan}, months=3, as_of=datetime(2023, 4, 20, tzinfo=BUSINESS_TZ))
    names = {ana: "ana", bo: "bo", cai: "cai", dan: "dan"}
    flags = {(r.month.month, names[r.assignee or ""]): (r.team_target_met, r.assignee_target_met)
             for r in rows}  # fmt: skip
    assert flags == {
        # February: only two months so far (January is read, not shown).
        (2, "ana"): (False, False), (2, "bo"): (False, False), (2, "cai"): (False, False),
        (3, "ana"): (False, True), (3, "bo"): (False, False),
        (3, "cai"): (True, True), (3, "dan"): (True, False),
        (4, "ana"): (False, True), (4, "bo"): (False, False),
        (4, "cai"): (True, True), (4, "dan"): (True, False),
    }  # fmt: skip


def test_months_must_be_at_least_one(migrated_url: str) -> None:
    with psycopg.connect(migrated_url) as conn, pytest.raises(InvalidInputError, match="months"):
        satisfaction_report(conn, months=0)
