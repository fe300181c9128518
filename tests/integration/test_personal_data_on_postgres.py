"""Personal data on a real PostgreSQL: sealed at rest, erased for good, views intact."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import psycopg
import pytest

from api.service.bootstrap import build_ledger
from api.service.database import Database
from api.settings import Settings
from domain.application import ClaimsLedger
from domain.claim import business_date
from domain.erasure import erase_customer
from domain.errors import SealedDataError
from domain.values import Actor, Customer
from domain.vocabulary import Role
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from projections.reports.statistics import monthly_statistics
from storage.customer_keys import PostgresCustomerKeys
from storage.migrations import migrate
from storage.recorder import datastore_of
from tests.integration.personal_data_support import own_database, tables_holding
from tests.integration.reports import AGENT, new_report

pytestmark = pytest.mark.postgres

MASTER = base64.b64encode(bytes(range(7, 39))).decode()
BOSS = Actor("boss-1", Role.SUPERVISOR)


def this_month() -> date:
    return business_date(datetime.now(UTC))


@pytest.fixture(scope="module")
def url(database_url: str) -> Iterator[str]:
    with own_database(database_url, "personal") as own:
        migrate(own)
        yield own


def open_ledger(url: str, master: str = MASTER) -> ClaimsLedger:
    settings = Settings(DATABASE_URL=url, personal_data_key=master)  # type: ignore[call-arg, arg-type]
    return build_ledger(settings, Database(url, embedded=False))


@pytest.fixture
def ledger(url: str) -> Iterator[ClaimsLedger]:
    app = open_ledger(url)
    yield app
    app.close()


def unique_customer() -> Customer:
    token = uuid.uuid4().hex[:8]
    return Customer(
        name=f"隐私{token}",
        phone=f"139{int(token, 16) % 10**8:08d}",
        email=f"private.{token}@example.com",
        address=f"杭州市西湖区{token}路",
        region="浙江",
        customer_id=f"crm-{token}",
    )


def secrets_of(customer: Customer) -> list[str]:
    return [customer.name, customer.phone, customer.email, customer.address]


def project_everything(ledger: ClaimsLedger) -> None:
    ViewRunner(ledger, build_views(ledger)).catch_up()


def stored_states(conn: psycopg.Connection[Any], claim_id: uuid.UUID) -> list[bytes]:
    rows = conn.execute(
        "SELECT state FROM public.sanbaoledger_events WHERE originator_id = %s"
        " ORDER BY originator_version",
        (claim_id,),
    ).fetchall()
    return [bytes(row[0]) for row in rows]


def test_no_table_holds_a_customers_personal_data_in_plaintext(
    ledger: ClaimsLedger, url: str
) -> None:
    customer = unique_customer()
    ledger.report(AGENT, **new_report(customer=customer))
    project_everything(ledger)
    with psycopg.connect(url) as conn:
        for secret in secrets_of(customer):
            assert tables_holding(conn, secret) == [], secret
        # The grep finds what is stored in plaintext, in text and in bytes (the events).
        holding_model = tables_holding(conn, "XD-450")
        assert {"views.claims", "public.sanbaoledger_events"} <= set(holding_model)


def test_keys_are_stored_wrapped_by_the_master_key(ledger: ClaimsLedger, url: str) -> None:
    customer = unique_customer()
    claim_id = ledger.report(AGENT, **new_report(customer=customer)).claim_id
    key = ledger.customer_keys.key_of(customer.customer_id)
    assert key is not None
    with psycopg.connect(url) as conn:
        wrapped = conn.execute(
            "SELECT wrapped_key FROM privacy.customer_keys WHERE customer_id = %s",
            (customer.customer_id,),
        ).fetchone()[0]  # type: ignore[index]
    assert key not in bytes(wrapped)
    other = open_ledger(url, base64.b64encode(bytes(32)).decode())
    try:
        with pytest.raises(SealedDataError, match="master key"):
            other.customer_of(other.get_claim(claim_id))
    finally:
        other.close()


def test_erasure_destroys_the_key_and_leaves_every_claim_view_and_event_intact(
    ledger: ClaimsLedger, url: str
) -> None:
    customer = unique_customer()
    erased_ids = [ledger.report(AGENT, **new_report(customer=customer)).claim_id for _ in range(2)]
    bystander = replace(unique_customer(), customer_id="")
    kept_id = ledger.report(AGENT, **new_report(customer=bystander)).claim_id
    project_everything(ledger)
    with psycopg.connect(url) as conn:
        before = {claim_id: stored_states(conn, claim_id) for claim_id in erased_ids}
        regions_before = claims_view_regions(conn, erased_ids)
        statistics_before = monthly_statistics(conn, this_month())

    erasure = erase_customer(ledger, customer.customer_id, BOSS)
    project_everything(ledger)

    assert erasure.newly and sorted(c.claim_id for c in erasure.claims) == sorted(erased_ids)
    with psycopg.connect(url) as conn:
        key_row = conn.execute(
            "SELECT wrapped_key, erased_by FROM privacy.customer_keys WHERE customer_id = %s",
            (customer.customer_id,),
        ).fetchone()
        assert key_row == (None, "boss-1")
        for claim_id in erased_ids:
            # The stored events are untouched; one PersonalDataErased event follows them.
            assert stored_states(conn, claim_id)[: len(before[claim_id])] == before[claim_id]
            assert len(stored_states(conn, claim_id)) == len(before[claim_id]) + 1
        assert claims_view_regions(conn, erased_ids) == regions_before
        assert monthly_statistics(conn, this_month()) == statistics_before
        assert statistics_before.by_region["浙江"].claims >= 2
        audit = conn.execute(
            "SELECT count(*) FROM views.audit_trail WHERE claim_id = ANY(%s)"
            " AND event_type = 'PersonalDataErased' AND actor = 'boss-1'",
            (erased_ids,),
        ).fetchone()[0]  # type: ignore[index]
        assert audit == 2
        for secret in secrets_of(customer):
            assert tables_holding(conn, secret) == [], secret
    for claim_id in erased_ids:
        claim = ledger.get_claim(claim_id)
        assert claim.personal_data_erased and ledger.customer_of(claim) is None
    # Even with the master key, nothing opens the sealed data any more.
    fresh = PostgresCustomerKeys(datastore_of(ledger), base64.b64decode(MASTER))
    assert fresh.key_of(customer.customer_id) is None
    assert ledger.customer_of(ledger.get_claim(kept_id)).name == bystander.name  # type: ignore[union-attr]


def claims_view_regions(conn: psycopg.Connection[Any], claim_ids: list[uuid.UUID]) -> list[Any]:
    return conn.execute(
        "SELECT claim_id, region, status, models FROM views.claims WHERE claim_id = ANY(%s)"
        " ORDER BY claim_id",
        (claim_ids,),
    ).fetchall()


def test_erasing_a_customer_twice_writes_nothing_more(ledger: ClaimsLedger) -> None:
    customer = unique_customer()
    claim_id = ledger.report(AGENT, **new_report(customer=customer)).claim_id
    first = erase_customer(ledger, customer.customer_id, BOSS)
    again = erase_customer(ledger, customer.customer_id, BOSS)
    assert not again.newly and again.erased_at == first.erased_at
    assert [c.position for c in again.claims] == [None]
    assert ledger.get_claim(claim_id).version == 2


def test_after_rotating_the_master_key_old_copies_of_keys_open_nothing(
    ledger: ClaimsLedger, url: str
) -> None:
    erased, kept = unique_customer(), unique_customer()
    ledger.report(AGENT, **new_report(customer=erased))
    kept_id = ledger.report(AGENT, **new_report(customer=kept)).claim_id
    with psycopg.connect(url) as conn:
        backup = conn.execute(  # what a backup taken before the erasure keeps
            "SELECT wrapped_key, master_key_id FROM privacy.customer_keys WHERE customer_id = %s",
            (erased.customer_id,),
        ).fetchone()
    assert backup is not None
    erase_customer(ledger, erased.customer_id, BOSS)
    old_keys = ledger.customer_keys
    assert isinstance(old_keys, PostgresCustomerKeys)
    new_master = bytes(range(100, 132))
    assert old_keys.rewrap(new_master) >= 1
    rotated = open_ledger(url, base64.b64encode(new_master).decode())
    new_keys = rotated.customer_keys
    assert isinstance(new_keys, PostgresCustomerKeys)
    try:
        assert rotated.customer_of(rotated.get_claim(kept_id)).name == kept.name  # type: ignore[union-attr]
        with pytest.raises(SealedDataError, match="master key"):
            ledger.customer_of(ledger.get_claim(kept_id))
        # The backup's copy of the erased customer's key opens with the old master key
        # only: destroying it (the key file is replaced) ends that copy too.
        assert old_keys._unwrap(erased.customer_id, bytes(backup[0]), backup[1])
        with pytest.raises(SealedDataError):
            new_keys._unwrap(
                erased.customer_id,
                bytes(backup[0]),
                new_keys.master_key_id,
            )
    finally:
        # Back to the module's master key for the tests that follow.
        new_keys.rewrap(base64.b64decode(MASTER))
        rotated.close()
