"""Helpers of the SLA tests (no tests here): fixed-clock ledgers, claim stories, own
databases. Times are China time, as the business calendar counts them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.settings import eventsourcing_env
from domain.application import ClaimCommand, ClaimsLedger
from domain.claim import Claim
from domain.values import Actor, Purchase
from domain.vocabulary import Cause, ClaimKind, Role
from storage.migrations import migrate

from ..reports import AGENT, new_report

SHANGHAI = ZoneInfo("Asia/Shanghai")
TECH = Actor("tech-sla", Role.TECHNICIAN)


def china(text: str) -> datetime:
    """``"2026-09-30 10:00"`` as an aware datetime in China time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def ledger_at(database_url: str, now: datetime) -> ClaimsLedger:
    """A ledger whose clock stands still at ``now``, so stories can be dated freely."""
    return ClaimsLedger(env=eventsourcing_env(database_url, pool_size=2), clock=lambda: now)


@contextmanager
def own_database(database_url: str) -> Iterator[str]:
    """A migrated database of its own on the session's server, dropped afterwards.

    For tests that sweep or compare whole tables, which must not see (or escalate)
    claims other tests left in the shared database.
    """
    name = f"sanbao_sla_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(database_url)
    params["dbname"] = name
    url = make_conninfo("", **params)
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Story:
    """One new claim, reported at a given moment and walked through commands."""

    def __init__(self, ledger: ClaimsLedger, reported: datetime, **report: Any) -> None:
        self.ledger = ledger
        bought = (reported - timedelta(days=10)).date()
        report.setdefault("purchase", Purchase(purchased_on=bought, delivered_on=bought))
        result = ledger.report(AGENT, occurred_at=reported, **new_report(**report))
        self.claim_id: UUID = result.claim_id
        self.claim_number = result.claim_number

    def do(self, when: datetime, method: ClaimCommand, **kwargs: Any) -> Story:
        self.ledger.command(method, self.claim_id, AGENT, occurred_at=when, **kwargs)
        return self

    def diagnose(self, when: datetime, **kwargs: Any) -> Story:
        """A quality defect; with ``item_no=1`` the 三包 decision grants a free repair."""
        self.ledger.command(
            Claim.diagnose,
            self.claim_id,
            TECH,
            finding="驱动故障",
            cause=Cause.QUALITY_DEFECT,
            occurred_at=when,
            **kwargs,
        )
        return self


def complaint(ledger: ClaimsLedger, reported: datetime) -> Story:
    return Story(ledger, reported, kind=ClaimKind.COMPLAINT, requested_remedy=None)
