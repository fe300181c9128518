"""The optional whole-payload cipher (SANBAO_CIPHER_KEY): stored events and snapshots are
ciphertext, and every reader (ledger, views, rebuild) decodes them with it."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import PersistenceError
from psycopg import sql

from api.service.bootstrap import build_ledger
from api.service.database import Database
from api.settings import CIPHER_TOPIC, Settings, eventsourcing_env
from domain.application import ClaimsLedger
from domain.claim import Claim
from projections.engine.rebuild import rebuild_view
from projections.engine.registry import build_views, view_factories
from projections.engine.runner import ViewRunner
from storage.migrations import migrate
from tests.integration.personal_data_support import own_database, tables_holding
from tests.integration.reports import AGENT, new_report

pytestmark = pytest.mark.postgres

CIPHER_KEY = base64.b64encode(bytes(range(50, 82))).decode()
MASTER = base64.b64encode(bytes(range(7, 39))).decode()


@pytest.fixture(scope="module")
def url(database_url: str) -> Iterator[str]:
    with own_database(database_url, "cipher") as own:
        migrate(own)
        yield own


@pytest.fixture
def ledger(url: str) -> Iterator[ClaimsLedger]:
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=url, cipher_key=CIPHER_KEY, personal_data_key=MASTER
    )
    app = build_ledger(settings, Database(url, embedded=False))
    yield app
    app.close()


def test_the_setting_renders_the_librarys_cryptography_cipher() -> None:
    env = eventsourcing_env("postgresql://u@h/db", 2, CIPHER_KEY)
    assert (env["CIPHER_TOPIC"], env["CIPHER_KEY"]) == (CIPHER_TOPIC, CIPHER_KEY)
    assert "CIPHER_KEY" not in eventsourcing_env("postgresql://u@h/db", 2)


def test_stored_events_and_snapshots_hold_no_plaintext_and_the_views_still_read(
    ledger: ClaimsLedger, url: str
) -> None:
    token = f"cipher-{uuid.uuid4().hex[:8]}"
    report = new_report(claim_number=f"T-{token}", description=f"灯不亮 {token}")
    claim_id = ledger.report(AGENT, **report).claim_id
    ledger.command(Claim.add_note, claim_id, AGENT, text=f"note {token}")
    ledger.take_snapshot(claim_id)
    ViewRunner(ledger, build_views(ledger)).catch_up()
    with psycopg.connect(url) as conn:
        holding = tables_holding(conn, token)
        # The views hold what they show; the event store and snapshots hold ciphertext.
        assert "views.claims" in holding and "views.audit_trail" in holding
        assert "public.sanbaoledger_events" not in holding
        assert "public.sanbaoledger_snapshots" not in holding
        # Nothing of any payload either: fields, values, actors (the topic column, the
        # event's type name, is the library's metadata and stays plain).
        for plain in ("XD-450", "agent-7", "lighting", "description", "customer", "广东"):
            for table in ("sanbaoledger_events", "sanbaoledger_snapshots"):
                assert states_holding(conn, table, plain) == 0, (table, plain)
        row = conn.execute(
            "SELECT description, region FROM views.claims WHERE claim_id = %s", (claim_id,)
        ).fetchone()
    assert row == (f"灯不亮 {token}", "广东")
    assert ledger.get_claim(claim_id).description == f"灯不亮 {token}"
    assert [e.event_type for e in ledger.history(claim_id)] == ["Reported", "NoteAdded"]


def states_holding(conn: psycopg.Connection[Any], table: str, plain: str) -> int:
    query = sql.SQL("SELECT count(*) FROM {} WHERE position(%s::bytea IN state) > 0")
    row = conn.execute(query.format(sql.Identifier("public", table)), (plain.encode(),))
    return int(row.fetchone()[0])  # type: ignore[index]


def test_a_rebuild_decodes_the_enciphered_log(ledger: ClaimsLedger) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    position = rebuild_view(ledger, view_factories(ledger)["claims"])
    assert position >= ledger.recorder.max_notification_id()  # type: ignore[operator]
    assert claim_id


def test_without_the_cipher_key_the_log_cannot_be_read(ledger: ClaimsLedger, url: str) -> None:
    claim_id = ledger.report(AGENT, **new_report()).claim_id
    plain = ClaimsLedger(env=eventsourcing_env(url, pool_size=1))
    try:
        with pytest.raises((PersistenceError, ValueError, UnicodeDecodeError)):
            plain.get_claim(claim_id)
    finally:
        plain.close()
