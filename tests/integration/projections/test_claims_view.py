"""The claims view's row after each kind of event, folded by the Claim aggregate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import dict_row

from domain.application import ClaimsLedger, CommandResult
from domain.claim import Claim
from domain.values import Actor, Customer, Purchase, QuoteLine
from domain.vocabulary import (
    Cause,
    ClaimKind,
    ComplaintGrade,
    EscalationReason,
    Priority,
    ProblemCategory,
    Remedy,
    Role,
    Team,
)
from projections.claims.claims_view import ClaimsView
from tests.integration.reports import AGENT, TECH, new_report
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres

WAREHOUSE = Actor("store-7", Role.WAREHOUSE)
ONE_LINE = (QuoteLine("new lamp holder", Decimal("80.00")),)
Row = dict[str, Any]


@pytest.fixture
def conn(migrated_url: str) -> Iterator[psycopg.Connection[Row]]:
    with psycopg.connect(migrated_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture
def row_of(
    ledger: ClaimsLedger, catch_up: Callable[..., Any], conn: psycopg.Connection[Row]
) -> Callable[[UUID], Row]:
    """Catches the claims view up (a fresh view: cold cache) and reads one claim's row."""

    def read(claim_id: UUID) -> Row:
        catch_up(ClaimsView(ledger.mapper))
        found = conn.execute("SELECT * FROM views.claims WHERE claim_id = %s", (claim_id,))
        row = found.fetchone()
        assert row is not None
        return row

    return read


def recent_purchase() -> Purchase:
    """Bought five days ago: a quality defect may still be exchanged (15-day window)."""
    bought = business_today() - timedelta(days=5)
    return Purchase(purchased_on=bought, delivered_on=bought)


def resolved_complaint(ledger: ClaimsLedger) -> UUID:
    """A complaint whose resolution was proposed: it can be confirmed, surveyed, closed."""
    claim_id = ledger.report(AGENT, **new_report(kind=ClaimKind.COMPLAINT)).claim_id
    ledger.command(
        Claim.diagnose,
        claim_id,
        TECH,
        finding="apology and a second visit",
        cause=Cause.SERVICE_FAILURE,
    )
    return claim_id


def test_a_reported_claim_gets_a_row_with_its_report(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    report = new_report(description="Lamp flickers")
    result = ledger.report(AGENT, **report)
    row = row_of(result.claim_id)
    reported = ledger.history(result.claim_id)[0]
    expected = {
        "claim_number": report["claim_number"],
        "status": "reported",
        "kind": "repair",
        "channel": "phone",
        "categories": ["lighting"],
        "models": ["XD-450"],
        "serial_nos": ["SN-9"],
        "item_stages": ["pending"],
        "region": "广东",
        "description": "Lamp flickers",
        "priority": "normal",
        "escalation_level": 0,
        "closed_at": None,
        "version": 1,
        "position": result.position,
    }
    assert {key: row[key] for key in expected} == expected
    assert row["created_at"] == reported.occurred_at
    assert row["updated_at"] == reported.recorded_at


def test_the_row_keeps_no_customer_name_phone_or_email(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    customer = Customer(
        name="欧阳娜娜", phone="13912345678", email="nana@example.cn", region="上海"
    )
    row = row_of(ledger.report(AGENT, **new_report(customer=customer)).claim_id)
    text = repr(row)
    assert row["region"] == "上海"
    assert "欧阳娜娜" not in text and "13912345678" not in text and "nana@" not in text


def test_classifying_sets_problem_category_priority_and_complaint_grade(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = ledger.report(AGENT, **new_report(kind=ClaimKind.COMPLAINT)).claim_id
    ledger.command(
        Claim.classify,
        claim_id,
        AGENT,
        problem_category=ProblemCategory.SERVICE_COMPLAINT,
        priority=Priority.URGENT,
        complaint_grade=ComplaintGrade.SERIOUS,
    )
    row = row_of(claim_id)
    assert (row["problem_category"], row["priority"], row["complaint_grade"]) == (
        "service_complaint",
        "urgent",
        "serious",
    )
    assert (row["status"], row["version"]) == ("in_progress", 2)


def test_assigning_sets_team_and_assignee(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    ledger.command(Claim.assign, claim_id, AGENT, team=Team.TECHNICAL_SUPPORT, assignee="li.qiang")
    row = row_of(claim_id)
    assert (row["team"], row["assignee"]) == ("technical_support", "li.qiang")


def test_an_exchange_adds_the_replacement_serial_and_keeps_the_faulty_one(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    report = new_report(purchase=recent_purchase(), requested_remedy=Remedy.EXCHANGE)
    claim_id = ledger.report(AGENT, **report).claim_id
    ledger.command(
        Claim.diagnose,
        claim_id,
        TECH,
        finding="driver board",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
    )
    assert row_of(claim_id)["item_stages"] == ["diagnosed"]
    ledger.command(Claim.ship_replacement, claim_id, WAREHOUSE, item_no=1, serial_no="SN-9-NEW")
    row = row_of(claim_id)
    assert row["serial_nos"] == ["SN-9", "SN-9-NEW"]
    assert (row["item_stages"], row["status"]) == (["replaced"], "resolved")


def test_an_exchange_of_some_units_adds_each_units_replacement_serial(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    line = replace(new_report()["items"][0], quantity=4)
    report = new_report(purchase=recent_purchase(), items=(line,))
    claim_id = ledger.report(AGENT, **report).claim_id
    ledger.command(Claim.diagnose, claim_id, TECH, finding="flicker", cause=Cause.QUALITY_DEFECT,
                   item_no=1, remedy=Remedy.EXCHANGE, quantity=2)  # fmt: skip
    serials = ("SN-9-A", "SN-9-B")
    ledger.command(Claim.ship_replacement, claim_id, WAREHOUSE, item_no=1, serial_nos=serials)
    assert row_of(claim_id)["serial_nos"] == ["SN-9", "SN-9-A", "SN-9-B"]


def test_the_status_is_the_aggregates_own(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    ledger.command(Claim.diagnose, claim_id, TECH, finding="misuse", cause=Cause.MISUSE, item_no=1)
    ledger.command(Claim.quote, claim_id, TECH, item_no=1, lines=ONE_LINE)
    assert row_of(claim_id)["status"] == ledger.get_claim(claim_id).status.value
    assert row_of(claim_id)["item_stages"] == ["quoted"]


def test_closing_sets_closed_at_to_the_recorded_time(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = resolved_complaint(ledger)
    ledger.command(Claim.confirm, claim_id, AGENT)  # a complaint closes once confirmed
    ledger.command(Claim.close, claim_id, AGENT, reason="apologised")
    row = row_of(claim_id)
    closed = ledger.history(claim_id)[-1]
    assert (row["status"], row["closed_at"]) == ("closed", closed.recorded_at)


def test_withdrawing_ends_the_claim_like_closing(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    ledger.command(Claim.withdraw, claim_id, AGENT, reason="found the receipt was wrong")
    row = row_of(claim_id)
    assert (row["status"], row["closed_at"]) == ("withdrawn", row["updated_at"])


def test_reopening_clears_closed_at_and_the_voided_survey(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = resolved_complaint(ledger)
    ledger.command(Claim.survey, claim_id, AGENT, score=2)
    ledger.command(Claim.confirm, claim_id, AGENT)
    ledger.command(Claim.close, claim_id, AGENT, reason="done")
    assert row_of(claim_id)["closed_at"] is not None
    ledger.command(Claim.reopen, claim_id, AGENT, reason="the customer called back")
    row = row_of(claim_id)
    assert (row["closed_at"], row["satisfaction"], row["surveyed_at"]) == (None, None, None)
    assert row["status"] == ledger.get_claim(claim_id).status.value


def test_a_survey_records_the_score_and_its_business_time(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = resolved_complaint(ledger)
    result = ledger.command(Claim.survey, claim_id, AGENT, score=4)
    row = row_of(claim_id)
    surveyed = ledger.history(claim_id)[result.version - 1]
    assert (row["satisfaction"], row["surveyed_at"]) == (4, surveyed.occurred_at)


def test_a_follow_up_counts_only_once_the_customer_confirmed(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = resolved_complaint(ledger)
    ledger.command(Claim.follow_up, claim_id, AGENT, outcome="called, no answer")
    assert row_of(claim_id)["followed_up_at"] is None
    confirmed = ledger.command(Claim.confirm, claim_id, AGENT)
    followed = ledger.command(Claim.follow_up, claim_id, AGENT, outcome="happy")
    row = row_of(claim_id)
    history = ledger.history(claim_id)
    assert row["confirmed_at"] == _at(history, confirmed)
    assert row["followed_up_at"] == _at(history, followed)


def test_escalating_raises_the_escalation_level(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    for _ in range(2):
        ledger.command(Claim.escalate, claim_id, AGENT, reason=EscalationReason.OVERDUE)
    assert row_of(claim_id)["escalation_level"] == 2


def test_a_note_only_moves_the_version_and_update_time(
    ledger: ClaimsLedger, row_of: Callable[[UUID], Row]
) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    before = row_of(claim_id)
    note = ledger.command(Claim.add_note, claim_id, AGENT, text="customer prefers mornings")
    after = row_of(claim_id)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"version", "position", "updated_at"}
    assert (after["version"], after["position"]) == (2, note.position)


def _at(history: list[Any], result: CommandResult) -> Any:
    return history[result.version - 1].occurred_at
