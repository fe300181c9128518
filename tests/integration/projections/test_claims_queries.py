"""Listing claims from the claims view: each filter, the SLA join and keyset pagination.

The database is shared by the whole session, so every test tags its claims' descriptions
with a token of its own and lists with ``text=token`` plus the filter under test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import InvalidInputError
from domain.values import Customer, Item, Purchase
from domain.vocabulary import Cause, ClaimKind, Priority, ProblemCategory, Remedy, Team
from projections.claims.claims_queries import (
    ClaimFilters,
    ClaimsPage,
    encode_cursor,
    get_claim_row,
    list_claims,
)
from projections.claims.claims_view import ClaimsView
from tests.integration.reports import AGENT, TECH, new_report
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres

# The SLA view's table, as its migration defines it (at least these columns): created
# here when that migration is not in this tree yet, so the join can be tested.
SLA_CLOCKS = """
CREATE TABLE IF NOT EXISTS views.sla_clocks (
    claim_id uuid, clock text, run int, started_at timestamptz, due_at timestamptz,
    paused_total interval, paused_since timestamptz NULL, stopped_at timestamptz NULL,
    breach_recorded_at timestamptz NULL, PRIMARY KEY (claim_id, clock, run)
)
"""
NOW = datetime.now(UTC)


@pytest.fixture
def conn(migrated_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute(SLA_CLOCKS)
        yield conn


@pytest.fixture
def token() -> str:
    return f"tok{uuid.uuid4().hex[:10]}"


@pytest.fixture
def report(ledger: ClaimsLedger, token: str) -> Callable[..., UUID]:
    """Reports a claim tagged with the test's token; returns its id."""

    def run(**overrides: Any) -> UUID:
        overrides["description"] = f"{overrides.get('description', 'lamp')} {token}"
        return ledger.report(AGENT, **new_report(**overrides)).claim_id

    return run


@pytest.fixture
def listed(
    ledger: ClaimsLedger, catch_up: Callable[..., Any], conn: psycopg.Connection[Any], token: str
) -> Callable[..., set[UUID]]:
    """Catches the view up and lists the test's claims matching the filters."""

    def run(**filters: Any) -> set[UUID]:
        catch_up(ClaimsView(ledger.mapper))
        filters.setdefault("text", token)
        page = list_claims(conn, ClaimFilters(**filters), None, 200)
        return {row.claim_id for row in page.rows}

    return run


@pytest.fixture
def clocks(conn: psycopg.Connection[Any]) -> Iterator[Callable[..., None]]:
    """Adds SLA clock runs for the test's claims; removes them afterwards."""
    added: list[UUID] = []

    def add(claim_id: UUID, clock: str, due_in: timedelta, **state: datetime) -> None:
        added.append(claim_id)
        conn.execute(
            "INSERT INTO views.sla_clocks (claim_id, clock, run, started_at, due_at,"
            " paused_total, paused_since, stopped_at) VALUES (%s, %s, 1, %s, %s, '0', %s, %s)",
            (
                claim_id,
                clock,
                NOW - timedelta(days=3),
                NOW + due_in,
                state.get("paused_since"),
                state.get("stopped_at"),
            ),
        )

    yield add
    conn.execute("DELETE FROM views.sla_clocks WHERE claim_id = ANY(%s)", (added,))


def test_status_filter_lists_only_claims_in_that_status(
    ledger: ClaimsLedger, report: Callable[..., UUID], listed: Callable[..., set[UUID]]
) -> None:
    withdrawn, reported = report(), report()
    ledger.command(Claim.withdraw, withdrawn, AGENT, reason="duplicate")
    assert listed(status="withdrawn") == {withdrawn}
    assert listed(status="reported") == {reported}


def test_kind_filter(report: Callable[..., UUID], listed: Callable[..., set[UUID]]) -> None:
    complaint, _ = report(kind=ClaimKind.COMPLAINT), report(kind=ClaimKind.REPAIR)
    assert listed(kind="complaint") == {complaint}


def test_category_filter_matches_any_item_of_the_claim(
    report: Callable[..., UUID], listed: Callable[..., set[UUID]]
) -> None:
    lamp = Item(model="XD-450", category="lighting", serial_no="SN-1")
    fridge = Item(model="BX-2", category="large_appliance", serial_no="SN-2")
    both, _ = report(items=(lamp, fridge)), report(items=(lamp,))
    assert listed(category="large_appliance") == {both}


def test_model_filter_matches_any_item_of_the_claim(
    report: Callable[..., UUID], listed: Callable[..., set[UUID]]
) -> None:
    lamp = Item(model="XD-450", category="lighting", serial_no="SN-1")
    bulb = Item(model="LED-9W", category="lighting", serial_no="SN-2")
    both, _ = report(items=(lamp, bulb)), report(items=(lamp,))
    assert listed(model="LED-9W") == {both}


def test_serial_filter_finds_a_claim_by_its_replacement_serial(
    ledger: ClaimsLedger,
    report: Callable[..., UUID],
    listed: Callable[..., set[UUID]],
    token: str,
) -> None:
    bought = business_today() - timedelta(days=5)
    exchanged = report(
        purchase=Purchase(purchased_on=bought, delivered_on=bought),
        requested_remedy=Remedy.EXCHANGE,
    )
    other = report()
    ledger.command(
        Claim.diagnose,
        exchanged,
        TECH,
        finding="dead driver",
        cause=Cause.QUALITY_DEFECT,
        item_no=1,
    )
    new_serial = f"NEW-{token}"
    ledger.command(Claim.ship_replacement, exchanged, TECH, item_no=1, serial_no=new_serial)
    assert listed(serial_no=new_serial) == {exchanged}
    assert listed(serial_no="SN-9") == {exchanged, other}  # the faulty serial still counts


def test_priority_filter(
    ledger: ClaimsLedger, report: Callable[..., UUID], listed: Callable[..., set[UUID]]
) -> None:
    urgent, _ = report(), report()
    ledger.command(
        Claim.classify,
        urgent,
        AGENT,
        problem_category=ProblemCategory.PRODUCT_FAULT,
        priority=Priority.URGENT,
    )
    assert listed(priority="urgent") == {urgent}
    assert listed(problem_category="product_fault") == {urgent}


def test_assignee_filter(
    ledger: ClaimsLedger, report: Callable[..., UUID], listed: Callable[..., set[UUID]]
) -> None:
    mine, _ = report(), report()
    ledger.command(Claim.assign, mine, AGENT, team=Team.SERVICE_DESK, assignee="zhou.ting")
    assert listed(assignee="zhou.ting") == {mine}


def test_region_filter(report: Callable[..., UUID], listed: Callable[..., set[UUID]]) -> None:
    sichuan = report(customer=Customer(name="郑浩", phone="135", region="四川"))
    report(customer=Customer(name="刘洋", phone="138", region="广东"))
    assert listed(region="四川") == {sichuan}


def test_created_range_includes_its_start_and_excludes_its_end(
    report: Callable[..., UUID], listed: Callable[..., set[UUID]]
) -> None:
    days = [NOW - timedelta(days=n) for n in (3, 2, 1)]
    _, middle, _ = (report(occurred_at=day) for day in days)
    assert listed(created_from=days[1], created_to=days[2]) == {middle}


def test_updated_range_uses_the_time_of_the_last_event(
    ledger: ClaimsLedger, report: Callable[..., UUID], listed: Callable[..., set[UUID]]
) -> None:
    quiet, busy = report(), report()
    between = datetime.now(UTC)
    ledger.command(Claim.add_note, busy, AGENT, text="called again")
    assert listed(updated_from=between) == {busy}
    assert listed(updated_to=between) == {quiet}


def test_text_matches_the_claim_number_or_description_ignoring_case(
    ledger: ClaimsLedger,
    report: Callable[..., UUID],
    listed: Callable[..., set[UUID]],
    token: str,
) -> None:
    claim_id = report()
    number = ledger.get_claim(claim_id).claim_number
    assert listed(text=number.lower()) == {claim_id}
    assert listed(text=token.upper()) == {claim_id}


def test_text_takes_percent_and_underscore_literally(
    report: Callable[..., UUID], listed: Callable[..., set[UUID]], token: str
) -> None:
    literal = report(description="50%_off")
    report(description="50xyoff")
    assert listed(text=f"50%_off {token}") == {literal}


def test_overdue_means_an_open_unpaused_clock_past_its_due_time(
    report: Callable[..., UUID], listed: Callable[..., set[UUID]], clocks: Callable[..., None]
) -> None:
    late, paused, stopped, clockless = report(), report(), report(), report()
    clocks(late, "first_response", -timedelta(hours=1))
    clocks(paused, "repair", -timedelta(hours=1), paused_since=NOW - timedelta(hours=2))
    clocks(stopped, "repair", -timedelta(hours=1), stopped_at=NOW - timedelta(hours=3))
    assert listed(overdue=True) == {late}
    assert listed(overdue=False) == {paused, stopped, clockless}


def test_each_row_carries_the_open_clock_due_first(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Any],
    report: Callable[..., UUID],
    clocks: Callable[..., None],
) -> None:
    claim_id = report()
    clocks(claim_id, "repair", timedelta(days=2))
    clocks(claim_id, "first_response", timedelta(days=1))
    clocks(claim_id, "work_start", -timedelta(days=1), stopped_at=NOW - timedelta(days=2))
    catch_up(ClaimsView(ledger.mapper))
    row = get_claim_row(conn, claim_id)
    assert row is not None
    assert (row.sla_clock, row.sla_run, row.sla_due_at) == (
        "first_response",
        1,
        NOW + timedelta(days=1),
    )
    assert (row.sla_paused_since, row.overdue) == (None, False)


def test_get_claim_row_is_none_for_a_claim_the_view_has_not_seen(
    conn: psycopg.Connection[Any],
) -> None:
    assert get_claim_row(conn, uuid.uuid4()) is None


def read_all_pages(
    conn: psycopg.Connection[Any], token: str, limit: int, between: Callable[[], None]
) -> list[ClaimsPage]:
    pages = [list_claims(conn, ClaimFilters(text=token), None, limit)]
    while pages[-1].next_cursor:
        between()
        pages.append(list_claims(conn, ClaimFilters(text=token), pages[-1].next_cursor, limit))
    return pages


def test_pages_list_every_claim_once_newest_first_ties_by_claim_id(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Any],
    report: Callable[..., UUID],
    token: str,
) -> None:
    # Seven claims, two of them reported at the same moment: claim_id breaks the tie.
    moments = [NOW - timedelta(hours=h) for h in (5, 4, 4, 3, 2, 1, 6)]
    created = {report(occurred_at=moment): moment for moment in moments}
    catch_up(ClaimsView(ledger.mapper))
    pages = read_all_pages(conn, token, 3, lambda: None)
    assert [len(page.rows) for page in pages] == [3, 3, 1]
    listed = [row.claim_id for page in pages for row in page.rows]
    assert listed == sorted(created, key=lambda c: (created[c], c), reverse=True)


def test_pages_filtered_by_region_and_model_list_each_match_once_newest_first(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Any],
    report: Callable[..., UUID],
    token: str,
) -> None:
    # A region of the test's own, so no other test's claims match without the text filter.
    region = f"区{token}"
    lamp = Item(model="XD-450", category="lighting", serial_no="SN-1")
    bulb = Item(model="LED-9W", category="lighting", serial_no="SN-2")
    here = Customer(name="郑浩", phone="135", region=region)
    elsewhere = Customer(name="刘洋", phone="138", region="广东")
    moments = [NOW - timedelta(hours=h) for h in (5, 4, 4, 3, 2, 1)]
    created = {report(occurred_at=at, customer=here, items=(lamp, bulb)): at for at in moments}
    report(customer=here, items=(lamp,))
    report(customer=elsewhere, items=(bulb,))
    catch_up(ClaimsView(ledger.mapper))
    filters = ClaimFilters(region=region, model="LED-9W")
    pages = [list_claims(conn, filters, None, 4)]
    while pages[-1].next_cursor:
        pages.append(list_claims(conn, filters, pages[-1].next_cursor, 4))
    assert [len(page.rows) for page in pages] == [4, 2]
    listed = [row.claim_id for page in pages for row in page.rows]
    assert listed == sorted(created, key=lambda c: (created[c], c), reverse=True)


def test_a_claim_reported_while_paging_does_not_shift_the_later_pages(
    ledger: ClaimsLedger,
    catch_up: Callable[..., Any],
    conn: psycopg.Connection[Any],
    report: Callable[..., UUID],
    token: str,
) -> None:
    first = {report(occurred_at=NOW - timedelta(minutes=m)) for m in range(5)}

    def report_another() -> None:
        report()
        catch_up(ClaimsView(ledger.mapper))

    catch_up(ClaimsView(ledger.mapper))
    pages = read_all_pages(conn, token, 2, report_another)
    listed = [row.claim_id for page in pages for row in page.rows]
    assert len(listed) == len(set(listed)) and set(listed) == first


def test_a_cursor_not_made_by_the_view_is_refused(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(InvalidInputError, match="cursor"):
        list_claims(conn, ClaimFilters(), "bm90IGEgY3Vyc29y", 10)
    naive = encode_cursor(datetime(2026, 1, 1), uuid.uuid4())
    with pytest.raises(InvalidInputError, match="cursor"):
        list_claims(conn, ClaimFilters(), naive, 10)


@pytest.mark.parametrize("limit", [0, 201])
def test_a_limit_outside_1_to_200_is_refused(conn: psycopg.Connection[Any], limit: int) -> None:
    with pytest.raises(InvalidInputError, match="limit"):
        list_claims(conn, ClaimFilters(), None, limit)
