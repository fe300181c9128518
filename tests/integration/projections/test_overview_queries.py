"""The overview's and the queue's definitions on hand-made rows, in a schema of their own.

Each test gets an empty copy of the claims and SLA tables (``CREATE TABLE … LIKE``)
in a fresh schema, writes the rows the case needs and reads them with the
queries' ``schema`` argument, so no other test's claims count.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from domain.claim import BUSINESS_TZ
from projections.claims.overview_queries import (
    MonthFigures,
    TeamFigures,
    Workload,
    month_figures,
    team_figures,
    workload,
)
from projections.claims.queue_queries import my_queue

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=BUSINESS_TZ)
JUNE, MAY = date(2026, 6, 1), date(2026, 5, 1)


@pytest.fixture
def schema() -> str:
    return f"overview_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def conn(migrated_url: str, schema: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    with psycopg.connect(migrated_url, autocommit=True, row_factory=dict_row) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        for table in ("claims", "sla_clocks", "sla_claims"):
            connection.execute(
                f'CREATE TABLE "{schema}".{table} (LIKE views.{table} INCLUDING DEFAULTS)'
            )
        connection.execute(f'SET search_path TO "{schema}"')
        yield connection
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def claim(
    conn: psycopg.Connection[Any],
    number: str,
    created_at: datetime = NOW - timedelta(days=3),
    **columns: Any,
) -> uuid.UUID:
    """A claims-view row with what the case names, the rest plain."""
    claim_id = uuid.uuid4()
    row = {
        "claim_id": claim_id, "claim_number": number, "status": "in_progress",
        "kind": "repair", "channel": "phone", "categories": ["lighting"], "priority": "normal",
        "models": ["XD-450"], "serial_nos": [], "item_stages": ["pending"], "description": "",
        "created_at": created_at, "updated_at": created_at, "escalation_level": 0,
        "version": 1, "position": 1,
    } | columns  # fmt: skip
    names = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    conn.execute(f"INSERT INTO claims ({names}) VALUES ({marks})", list(row.values()))
    team = columns.get("team")
    conn.execute(
        "INSERT INTO sla_claims (claim_id, claim_number, kind, team, version, events)"
        " VALUES (%s, %s, 'repair', %s, 1, '[]')",
        (claim_id, number, team),
    )
    return claim_id


def clock(
    conn: psycopg.Connection[Any],
    claim_id: uuid.UUID,
    due_at: datetime,
    stopped_at: datetime | None = None,
    paused_since: datetime | None = None,
    name: str = "acknowledge",
) -> None:
    conn.execute(
        "INSERT INTO sla_clocks (claim_id, clock, run, started_at, due_at, paused_total,"
        " paused_since, stopped_at) VALUES (%s, %s, 1, %s, %s, '0', %s, %s)",
        (claim_id, name, due_at - timedelta(days=1), due_at, paused_since, stopped_at),
    )


def test_open_overdue_and_due_today(conn: psycopg.Connection[Any], schema: str) -> None:
    overdue = claim(conn, "W-1")
    clock(conn, overdue, NOW - timedelta(hours=1))
    today = claim(conn, "W-2")
    clock(conn, today, NOW + timedelta(hours=8))  # 18:00 China time
    tomorrow = claim(conn, "W-3")
    clock(conn, tomorrow, NOW + timedelta(hours=15))  # 01:00 the next day
    paused = claim(conn, "W-4")
    clock(conn, paused, NOW - timedelta(hours=5), paused_since=NOW - timedelta(hours=6))
    claim(conn, "W-5")  # no clock running
    ended = claim(conn, "W-6", closed_at=NOW - timedelta(hours=2))
    clock(conn, ended, NOW - timedelta(hours=3), stopped_at=NOW - timedelta(hours=2))
    assert workload(conn, NOW, schema) == Workload(open=5, overdue=1, due_today=1)


def test_a_month_counts_reports_endings_surveys_and_clocks_on_time(
    conn: psycopg.Connection[Any], schema: str
) -> None:
    june_end = datetime(2026, 6, 30, 23, 30, tzinfo=BUSINESS_TZ)  # 15:30 UTC: still June
    for number, score in (("M-1", 5), ("M-2", 4), ("M-3", 2)):
        claim(conn, number, created_at=NOW, satisfaction=score, surveyed_at=june_end)
    claim(conn, "M-4", created_at=datetime(2026, 5, 31, 23, 0, tzinfo=BUSINESS_TZ))
    claim(conn, "M-5", created_at=NOW, closed_at=NOW + timedelta(days=1))
    timed = claim(conn, "M-6", created_at=NOW)
    clock(conn, timed, NOW, stopped_at=NOW - timedelta(hours=1), name="acknowledge")
    clock(conn, timed, NOW, stopped_at=NOW, name="diagnose")  # at the due time: on time
    clock(conn, timed, NOW, stopped_at=NOW + timedelta(minutes=1), name="repair")
    figures = month_figures(conn, [JUNE, MAY], schema)
    assert figures == [
        MonthFigures(
            month=JUNE, reported=5, ended=1, surveys=3, csat=Decimal("3.67"),
            satisfied_share=Decimal("0.6667"), clocks_stopped=3,
            on_time_share=Decimal("0.6667"),
        ),
        MonthFigures(
            month=MAY, reported=1, ended=0, surveys=0, csat=None, satisfied_share=None,
            clocks_stopped=0, on_time_share=None,
        ),
    ]  # fmt: skip


def test_the_month_by_team(conn: psycopg.Connection[Any], schema: str) -> None:
    desk = claim(conn, "T-1", team="service_desk", satisfaction=5, surveyed_at=NOW)
    clock(conn, desk, NOW, stopped_at=NOW + timedelta(hours=1))
    claim(conn, "T-2", team="service_desk", satisfaction=3, surveyed_at=NOW)
    nobody = claim(conn, "T-3")
    clock(conn, nobody, NOW, stopped_at=NOW - timedelta(hours=1))
    claim(
        conn,
        "T-4",
        team="warehouse_logistics",
        satisfaction=5,
        surveyed_at=NOW - timedelta(days=40),
    )
    assert team_figures(conn, JUNE, schema) == [
        TeamFigures("", 0, None, None, 1, Decimal("1.0000")),
        TeamFigures("service_desk", 2, Decimal("4.00"), Decimal("0.5000"), 1, Decimal("0.0000")),
    ]


def test_my_queue_overdue_first_then_soonest_due_then_priority(
    conn: psycopg.Connection[Any], schema: str
) -> None:
    def mine(number: str, due: datetime | None, **columns: Any) -> None:
        claim_id = claim(conn, number, assignee="wang.fang", **columns)
        if due is not None:
            clock(conn, claim_id, due)

    mine("Q-later", NOW + timedelta(hours=5))
    mine("Q-none-urgent", None, priority="urgent")
    mine("Q-none-low", None, priority="low")
    mine("Q-late", NOW - timedelta(hours=1))
    mine("Q-soon", NOW + timedelta(hours=1))
    mine("Q-closed", NOW - timedelta(hours=9), closed_at=NOW)
    claim(conn, "Q-theirs", assignee="li.qiang")
    rows = my_queue(conn, "wang.fang", NOW, schema=schema)
    assert [row.claim_number for row in rows] == [
        "Q-late", "Q-soon", "Q-later", "Q-none-urgent", "Q-none-low",
    ]  # fmt: skip
    assert [row.overdue for row in rows] == [True, False, False, False, False]
