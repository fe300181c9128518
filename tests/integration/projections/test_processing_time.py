"""Processing time: report → resolution in working hours, per month of resolution, model, team.

Every test has a database of its own (the figures are per month, across all claims).
Complaints are resolved by their finding; November 2026 in China: Mon 9 to Fri 13,
Mon 16; working hours 9:00-18:00.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from domain.claim import Claim
from domain.values import Item
from domain.vocabulary import Cause, ClaimKind, Team
from projections.claims.claims_view import ClaimsView
from projections.engine.runner import ViewRunner
from projections.reports.processing_time import MonthlyProcessingTime, processing_time

from .test_sla_support import Story, china, ledger_at, own_database

pytestmark = pytest.mark.postgres
NOW = china("2026-12-01 12:00")
NOVEMBER = date(2026, 11, 1)
AFTER_SALES = Team.AFTER_SALES_SPECIALIST


class World:
    def __init__(self, url: str) -> None:
        self.url = url
        self.ledger = ledger_at(url, NOW)

    def complaint(self, reported: str, team: Team = AFTER_SALES, **report: Any) -> Story:
        story = Story(
            self.ledger, china(reported), kind=ClaimKind.COMPLAINT, requested_remedy=None, **report
        )
        story.do(china(reported), Claim.assign, team=team, assignee="li")
        return story

    def resolve(self, story: Story, when: str) -> None:
        story.do(china(when), Claim.diagnose, finding="道歉", cause=Cause.SERVICE_FAILURE)

    def read(self, month: date = NOVEMBER) -> MonthlyProcessingTime:
        ViewRunner(self.ledger, [ClaimsView.for_ledger(self.ledger)]).catch_up()
        with psycopg.connect(self.url) as conn:
            return processing_time(conn, month, self.ledger.calendar)


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    with own_database(database_url) as url:
        w = World(url)
        yield w
        w.ledger.close()


def test_processing_time_counts_working_hours_from_report_to_resolution(world: World) -> None:
    story = world.complaint("2026-11-09 10:00")
    world.resolve(story, "2026-11-10 12:00")

    figures = world.read()

    assert figures.total.claims == 1
    assert figures.total.mean_hours == 11.0  # Mon 10-18 and Tue 9-12


def test_processing_time_skips_the_weekend(world: World) -> None:
    world.resolve(world.complaint("2026-11-13 17:00"), "2026-11-16 10:00")

    assert world.read().total.median_hours == 2.0  # Fri 17-18 and Mon 9-10


def test_processing_time_is_given_per_model_and_team(world: World) -> None:
    lamp = Item(model="XD-450", category="lighting", price=Decimal("399"), model_name="吸顶灯")
    bulb = Item(model="LB-9", category="lighting", price=Decimal("19"))
    world.resolve(world.complaint("2026-11-09 10:00", items=(lamp, bulb)), "2026-11-09 12:00")
    world.resolve(
        world.complaint("2026-11-09 10:00", Team.TECHNICAL_SUPPORT, items=(lamp,)),
        "2026-11-09 16:00",
    )

    figures = world.read()

    assert {m: p.claims for m, p in figures.by_model.items()} == {"LB-9": 1, "XD-450": 2}
    assert figures.by_model["XD-450"].mean_hours == 4.0
    assert figures.by_team[AFTER_SALES.value].mean_hours == 2.0
    assert figures.by_team[Team.TECHNICAL_SUPPORT.value].max_hours == 6.0


def test_a_claim_reopened_and_resolved_again_counts_its_last_resolution(world: World) -> None:
    story = world.complaint("2026-11-09 10:00")
    world.resolve(story, "2026-11-09 12:00")
    story.do(china("2026-11-09 13:00"), Claim.confirm)
    story.do(china("2026-11-09 14:00"), Claim.close, reason="客户满意")
    story.do(china("2026-11-10 10:00"), Claim.reopen, reason="又不亮了")
    assert world.read().total.claims == 0  # reopened: not resolved any more

    world.resolve(story, "2026-11-11 10:00")

    assert world.read().total.mean_hours == 18.0  # Mon 8, Tue 9, Wed 1


def test_a_claim_counts_in_the_month_of_its_resolution(world: World) -> None:
    world.resolve(world.complaint("2026-11-30 17:00"), "2026-12-01 10:00")

    assert world.read(NOVEMBER).total.claims == 0
    assert world.read(date(2026, 12, 1)).total.mean_hours == 2.0
