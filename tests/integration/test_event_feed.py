"""The event feed on PostgreSQL: the demo's events as the public contract presents them."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from uuid import uuid5

import jsonschema_rs
import pytest

from api.cli.demo import load_demo
from domain.application import ClaimsLedger
from domain.claim import CLAIM_NAMESPACE, Claim
from projections.feed.contract import contract_document
from projections.feed.reader import EventFeed

from .reports import AGENT, new_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def demo_events(ledger: ClaimsLedger) -> list[dict[str, object]]:
    """Every claim event of the demo's claims, read page by page from the start."""
    load_demo(ledger, datetime.now().astimezone())
    feed, events, after = EventFeed(ledger), [], 0
    while True:
        page = feed.page(after, 97)
        events += page.events
        if page.next_after == after or page.next_after >= page.head and not page.events:
            break
        after = page.next_after
    return [e for e in events if str(e["claim_number"]).startswith("LF-")]


def test_each_demo_event_matches_its_schema(demo_events: list[dict[str, object]]) -> None:
    schemas = contract_document()["types"]
    validators = {name: jsonschema_rs.validator_for(s) for name, s in schemas.items()}
    for event in demo_events:
        validators[str(event["type"])].validate(event)
    assert len({e["type"] for e in demo_events}) >= 15


def test_the_feed_carries_no_personal_data(
    ledger: ClaimsLedger, demo_events: list[dict[str, object]]
) -> None:
    text = json.dumps(demo_events, ensure_ascii=False)
    numbers = {str(e["claim_number"]) for e in demo_events}
    for number in numbers:
        customer = ledger.customer_of(ledger.get_claim(uuid5(CLAIM_NAMESPACE, number)))
        if customer is None:
            continue  # the demo erases one customer: nothing left to leak
        for value in (customer.name, customer.phone, customer.email, customer.address):
            assert not value or value not in text, (number, value)


def test_pages_are_in_ledger_order_and_name_the_claim(
    demo_events: list[dict[str, object]],
) -> None:
    positions = [int(str(e["position"])) for e in demo_events]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    first = {}
    for event in demo_events:
        first.setdefault(event["claim_number"], event)
    assert all(e["type"] == "reported" and e["version"] == 1 for e in first.values())


def test_a_page_in_the_middle_of_the_log_still_names_each_claim(ledger: ClaimsLedger) -> None:
    claim = ledger.report(AGENT, **new_report())
    ledger.command(Claim.add_note, claim.claim_id, AGENT, text="来电确认地址")
    feed = EventFeed(ledger)  # a new process: nothing cached
    page = feed.page(claim.position, 10)
    note = page.events[0]
    assert note["type"] == "note_added" and note["data"] == {}
    assert note["claim_number"] == claim.claim_number


def test_paging_while_claims_are_written_misses_no_committed_event(
    ledger: ClaimsLedger,
) -> None:
    feed = EventFeed(ledger)
    start = feed.head()
    writers = [threading.Thread(target=_report_many, args=(ledger, 15)) for _ in range(4)]
    for writer in writers:
        writer.start()
    seen, after = [], start
    while any(w.is_alive() for w in writers) or after < feed.head():
        page = feed.page(after, 7)
        seen += [int(str(e["position"])) for e in page.events]
        after = page.next_after
    for writer in writers:
        writer.join()
    committed = [n.id for n in ledger.recorder.select_notifications(start + 1, 10_000)]
    assert seen == committed


def _report_many(ledger: ClaimsLedger, count: int) -> None:
    for _ in range(count):
        ledger.report(AGENT, **new_report())
