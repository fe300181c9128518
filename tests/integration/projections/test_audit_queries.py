"""Audit trail queries by claim, actor, event type and period, with keyset pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import Actor
from domain.vocabulary import Role
from projections.audit.audit_queries import search_audit
from projections.audit.audit_view import AuditTrailView
from projections.engine.runner import ViewRunner

from ..reports import AGENT, new_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def conn(migrated_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(migrated_url) as connection:
        yield connection


@pytest.fixture
def head(ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner]) -> int:
    """The last position before the test's own events (tests run one after another)."""
    return catch_up(AuditTrailView()).head()


def noted_claim(ledger: ClaimsLedger, actor: Actor = AGENT, notes: int = 2) -> uuid.UUID:
    claim = ledger.report(AGENT, **new_report()).claim_id
    for n in range(notes):
        ledger.command(Claim.add_note, claim, actor, text=f"note {n}")
    return claim


def test_a_claim_query_returns_that_claims_events_in_order(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], conn: psycopg.Connection
) -> None:
    claim, other = noted_claim(ledger), noted_claim(ledger)
    catch_up(AuditTrailView())
    rows = search_audit(conn, claim_id=claim)
    assert [(r.version, r.event_type) for r in rows] == [
        (1, "Reported"), (2, "NoteAdded"), (3, "NoteAdded")
    ]  # fmt: skip
    assert other not in {r.claim_id for r in rows}


def test_an_actor_query_returns_only_what_that_user_did(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], conn: psycopg.Connection
) -> None:
    auditor = Actor(f"sup-{uuid.uuid4().hex[:8]}", Role.SUPERVISOR)
    first, second = noted_claim(ledger, auditor, notes=1), noted_claim(ledger, auditor, notes=2)
    catch_up(AuditTrailView())
    rows = search_audit(conn, actor=auditor.user_id)
    assert [(r.claim_id, r.event_type, r.role) for r in rows] == [
        (first, "NoteAdded", "supervisor"),
        (second, "NoteAdded", "supervisor"),
        (second, "NoteAdded", "supervisor"),
    ]


def test_an_event_type_query_returns_only_that_type(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], conn: psycopg.Connection,
    head: int,
) -> None:  # fmt: skip
    claims = [noted_claim(ledger, notes=1) for _ in range(2)]
    catch_up(AuditTrailView())
    rows = search_audit(conn, event_type="Reported", after_position=head)
    assert [r.claim_id for r in rows] == claims


def test_a_period_query_is_half_open_on_the_recorded_time(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], conn: psycopg.Connection
) -> None:
    start = datetime.now(UTC)
    inside = noted_claim(ledger)
    end = datetime.now(UTC)
    noted_claim(ledger)
    catch_up(AuditTrailView())
    rows = search_audit(conn, recorded_from=start, recorded_to=end)
    assert {r.claim_id for r in rows} == {inside}
    assert all(start <= r.recorded_at < end for r in rows) and len(rows) == 3


def test_filters_combine(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], conn: psycopg.Connection
) -> None:
    claim = noted_claim(ledger, notes=3)
    catch_up(AuditTrailView())
    rows = search_audit(conn, claim_id=claim, event_type="NoteAdded", actor=AGENT.user_id)
    assert [r.version for r in rows] == [2, 3, 4]


def test_keyset_pages_cover_every_row_once_in_order(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], conn: psycopg.Connection,
    head: int,
) -> None:  # fmt: skip
    for _ in range(3):
        noted_claim(ledger, notes=2)
    catch_up(AuditTrailView())
    pages, after = [], head
    while page := search_audit(conn, after_position=after, limit=4):
        pages.append([r.position for r in page])
        after = page[-1].position
    assert [len(p) for p in pages] == [4, 4, 1]
    assert sum(pages, []) == [r.position for r in search_audit(conn, after_position=head)]


def test_a_page_is_never_larger_than_the_cap(
    ledger: ClaimsLedger, catch_up: Callable[..., ViewRunner], conn: psycopg.Connection
) -> None:
    noted_claim(ledger, notes=1)
    catch_up(AuditTrailView())
    assert len(search_audit(conn, limit=0)) == 1
    assert len(search_audit(conn, limit=10**9)) <= 1000
