"""Serial stories across claims, and batch / model / supplier summaries with responsibility."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest

from domain.application import ClaimCommand, ClaimsLedger
from domain.claim import Claim
from domain.values import Item, Purchase, QuoteLine, RepairWork
from domain.vocabulary import (
    Cause,
    ClaimKind,
    InspectionResult,
    Remedy,
    RepairMode,
    RepairOutcome,
)
from projections.audit.audit_view import AuditTrailView
from projections.engine.runner import ViewRunner
from projections.trace.trace_queries import (
    batch_summary,
    model_summary,
    serial_story,
    supplier_summary,
)
from projections.trace.trace_view import TraceView
from tests.support.business_day import business_today

from ..reports import AGENT, TECH, new_report

pytestmark = pytest.mark.postgres


def tag() -> str:
    return uuid.uuid4().hex[:8]


def bought(days_ago: int) -> Purchase:
    day = business_today() - timedelta(days=days_ago)
    return Purchase(purchased_on=day, delivered_on=day)


@pytest.fixture
def conn(migrated_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(migrated_url) as connection:
        yield connection


@pytest.fixture
def views(catch_up: Callable[..., ViewRunner]) -> Callable[[], None]:
    """Catches up both views: serial stories read the audit trail for their events."""

    def run() -> None:
        catch_up(AuditTrailView(), TraceView())

    return run


def exchanged(ledger: ClaimsLedger, serial: str, replacement: str, model: str) -> UUID:
    """A bulb that fails in its first 15 days and is exchanged for ``replacement``."""
    bulb = Item(model=model, category="lighting", serial_no=serial, price=Decimal("29.90"))
    report = new_report(items=(bulb,), purchase=bought(10), requested_remedy=Remedy.EXCHANGE)
    claim = ledger.report(AGENT, **report).claim_id
    ledger.command(
        Claim.diagnose, claim, TECH, finding="不亮", cause=Cause.QUALITY_DEFECT, item_no=1
    )
    ledger.command(Claim.ship_replacement, claim, TECH, item_no=1, serial_no=replacement)
    return claim


def test_a_serial_story_follows_the_replacement_that_failed_in_a_new_claim(
    ledger: ClaimsLedger, views: Callable[[], None], conn: psycopg.Connection
) -> None:
    first, second, third, model = f"S1-{tag()}", f"S2-{tag()}", f"S3-{tag()}", f"LED-{tag()}"
    claim_a = exchanged(ledger, first, second, model)
    claim_b = exchanged(ledger, second, third, model)
    views()
    for serial in (first, second, third):
        story = serial_story(conn, serial)
        assert story.chain == [first, second, third]
        assert [(c.claim_id, c.serial_no) for c in story.claims] == [
            (claim_a, first), (claim_b, second)
        ]  # fmt: skip


def test_a_serial_story_lists_each_claims_key_events(
    ledger: ClaimsLedger, views: Callable[[], None], conn: psycopg.Connection
) -> None:
    serial, replacement = f"S1-{tag()}", f"S2-{tag()}"
    exchanged(ledger, serial, replacement, "LED-9W")
    views()
    [claim] = serial_story(conn, serial).claims
    assert [e.event_type for e in claim.events] == ["Reported", "Diagnosed", "ReplacementShipped"]
    assert claim.events[-1].summary == f"Replacement for item 1 shipped: serial {replacement}"
    assert (claim.stage, claim.replacement_serial_no) == ("replaced", replacement)


def test_a_serial_story_shows_only_events_of_that_item_and_of_the_whole_claim(
    ledger: ClaimsLedger, views: Callable[[], None], conn: psycopg.Connection
) -> None:
    kept, other = f"K-{tag()}", f"O-{tag()}"
    items = tuple(Item(model="X", category="lighting", serial_no=s) for s in (kept, other))
    claim = ledger.report(AGENT, **new_report(items=items)).claim_id
    ledger.command(Claim.diagnose, claim, TECH, finding="摔坏", cause=Cause.MISUSE, item_no=2)
    ledger.command(Claim.withdraw, claim, AGENT, reason="不修了")
    views()
    [story] = serial_story(conn, kept).claims
    assert [e.event_type for e in story.events] == ["Reported", "Withdrawn"]


def test_an_unknown_serial_has_an_empty_story(conn: psycopg.Connection) -> None:
    story = serial_story(conn, f"NOPE-{tag()}")
    assert story.claims == [] and story.chain == [story.serial_no]


def diagnosed_item(ledger: ClaimsLedger, item: Item, cause: Cause | None, **report: Any) -> UUID:
    claim = ledger.report(AGENT, **new_report(items=(item,), **report)).claim_id
    if cause is not None:
        ledger.command(Claim.diagnose, claim, TECH, finding="检测", cause=cause, item_no=1)
    return claim


def mixed_batch(ledger: ClaimsLedger, batch: str, model: str, supplier: str) -> None:
    """Five items of one batch: two quality defects, misuse, transport damage, not yet diagnosed.

    One quality defect fails a repair; the misuse is a quoted paid
    repair; the transport damage is returned and refunded its price, 29.90 (the decision
    deducts nothing).
    """

    def item() -> Item:
        return Item(
            model=model, category="lighting", serial_no=f"S-{tag()}", batch_no=batch,
            supplier=supplier, price=Decimal("29.90"),
        )  # fmt: skip

    def do(claim: UUID, method: ClaimCommand, **kwargs: Any) -> None:
        ledger.command(method, claim, TECH, item_no=1, **kwargs)

    repaired = diagnosed_item(ledger, item(), Cause.QUALITY_DEFECT)
    do(repaired, Claim.start_repair, mode=RepairMode.MAIL_IN)
    do(repaired, Claim.record_repair, outcome=RepairOutcome.STILL_FAILING, work=RepairWork())
    diagnosed_item(ledger, item(), Cause.QUALITY_DEFECT)
    misused = diagnosed_item(ledger, item(), Cause.MISUSE)
    do(misused, Claim.quote, lines=(QuoteLine("维修", Decimal("45.00")),))
    damaged = diagnosed_item(
        ledger, item(), None, kind=ClaimKind.RETURN, requested_remedy=Remedy.RETURN
    )
    ledger.command(
        Claim.diagnose, damaged, TECH, finding="运输破损", cause=Cause.TRANSPORT_DAMAGE, item_no=1
    )
    do(damaged, Claim.receive_return, inspection=InspectionResult.DAMAGED_PACKAGING)
    do(damaged, Claim.refund, amount=Decimal("29.90"), deductions=(), route="alipay")
    diagnosed_item(ledger, item(), None)


@pytest.fixture
def batch_of_five(ledger: ClaimsLedger, views: Callable[[], None]) -> dict[str, str]:
    keys = {"batch": f"B-{tag()}", "model": f"M-{tag()}", "supplier": f"SUP-{tag()}"}
    mixed_batch(ledger, keys["batch"], keys["model"], keys["supplier"])
    views()
    return keys


def test_a_batch_summary_counts_claims_causes_and_remedies(
    batch_of_five: dict[str, str], conn: psycopg.Connection
) -> None:
    summary = batch_summary(conn, batch_of_five["batch"])
    assert (summary.claims, summary.items) == (5, 5)
    assert summary.causes == {"quality_defect": 2, "misuse": 1, "transport_damage": 1}
    assert (summary.repairs, summary.failed_repairs, summary.exchanges) == (1, 1, 0)
    assert (summary.returns, summary.refunds, summary.refunded_amount) == (
        1, 1, Decimal("29.90")
    )  # fmt: skip
    assert summary.quoted_amount == Decimal("45.00")


def test_responsibility_shares_are_of_diagnosed_items(
    batch_of_five: dict[str, str], conn: psycopg.Connection
) -> None:
    shares = batch_summary(conn, batch_of_five["batch"]).responsibility
    assert (shares.diagnosed, shares.quality, shares.misuse, shares.transport, shares.other) == (
        4, 2, 1, 1, 0
    )  # fmt: skip
    assert shares.supplier_share == 0.5 and shares.share(shares.transport) == 0.25


def test_model_and_supplier_summaries_agree_with_the_batch_they_share(
    batch_of_five: dict[str, str], conn: psycopg.Connection
) -> None:
    by_batch = batch_summary(conn, batch_of_five["batch"])
    by_model = model_summary(conn, batch_of_five["model"])
    by_supplier = supplier_summary(conn, batch_of_five["supplier"])
    assert by_model.responsibility == by_supplier.responsibility == by_batch.responsibility
    assert by_model.causes == by_supplier.causes == by_batch.causes
    assert (by_model.key, by_supplier.key) == (batch_of_five["model"], batch_of_five["supplier"])


def test_a_claim_with_two_items_of_a_model_counts_once_as_a_claim(
    ledger: ClaimsLedger, views: Callable[[], None], conn: psycopg.Connection
) -> None:
    model = f"M-{tag()}"
    items = tuple(Item(model=model, category="lighting", serial_no=f"S-{tag()}") for _ in "ab")
    ledger.report(AGENT, **new_report(items=items))
    views()
    summary = model_summary(conn, model)
    assert (summary.claims, summary.items) == (1, 2)


def test_an_unknown_supplier_has_an_empty_summary(conn: psycopg.Connection) -> None:
    summary = supplier_summary(conn, f"NOPE-{tag()}")
    assert (summary.claims, summary.items, summary.causes) == (0, 0, {})
    assert summary.responsibility.supplier_share == 0.0


def test_a_summary_lists_the_first_serials_and_claims_in_order_and_counts_them_all(
    batch_of_five: dict[str, str], conn: psycopg.Connection
) -> None:
    every = batch_summary(conn, batch_of_five["batch"])
    assert every.serials == sorted(every.serials) and len(every.serials) == 5
    assert every.claim_numbers == sorted(every.claim_numbers) and len(every.claim_numbers) == 5
    assert (every.serial_count, every.claim_number_count) == (5, 5)
    first = batch_summary(conn, batch_of_five["batch"], listed=2)
    assert (first.serials, first.claim_numbers) == (every.serials[:2], every.claim_numbers[:2])
    assert (first.serial_count, first.claim_number_count) == (5, 5)
