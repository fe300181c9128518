"""A signed ledger to tamper with: real claims, checkpoints every 10 events, a copy per test.

Test modules import the fixtures ``template_fixture`` and ``signed_fixture``
(named ``template`` and ``signed``).

The ledger is built once per module in a template database; each test gets a
copy of its own (``CREATE DATABASE … TEMPLATE``), tampers with it as a superuser
would (``tests.support.tampering``) and runs the ``sanbao`` commands the README
names against it.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pydantic import SecretStr
from typer.testing import CliRunner, Result

from api.cli.main import app
from api.service.bootstrap import open_ledger
from api.service.ledger_integrity import LedgerIntegrity
from api.settings import Settings, get_settings
from domain.claim import Claim
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from tests.support.business_day import business_today
from tests.support.databases import scratch_database, sibling_name

SEED = base64.b64encode(bytes(range(7, 39))).decode()
CHECKPOINT_EVENTS = 10
AGENT = Actor("fault.auditor", Role.AGENT)


def settings(url: str, data_dir: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        DATABASE_URL=url,
        ledger_signing_key=SecretStr(SEED),
        checkpoint_events=CHECKPOINT_EVENTS,
        data_dir=data_dir,
    )


def write_claims(url: str, data_dir: Path, claims: int, notes: int, sign: bool = True) -> int:
    """Reports ``claims`` claims with ``notes`` notes each, signs up to the head; the head."""
    ledger, _ = open_ledger(settings(url, data_dir))
    try:
        for n in range(claims):
            claim_id = ledger.report(
                AGENT,
                kind=ClaimKind.REPAIR,
                channel=Channel.PHONE,
                customer=Customer("客户", phone="13800000000", region="广东"),
                items=(Item("XD-450", "lighting", serial_no=f"CUT-{n}"),),
                purchase=Purchase(business_today()),
                requested_remedy=None,
                description="不亮",
            ).claim_id
            for k in range(notes):
                ledger.command(Claim.add_note, claim_id, AGENT, text=f"note {k}")
        if sign:
            LedgerIntegrity(ledger, settings(url, data_dir)).checkpoint()
        return int(ledger.recorder.max_notification_id() or 0)
    finally:
        ledger.close()


@contextmanager
def database_copy(template_url: str) -> Iterator[str]:
    """A new database copied from ``template_url`` (which nobody may be connected to)."""
    params = conninfo_to_dict(template_url)
    name = f"{params['dbname']}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        make_conninfo("", **{**params, "dbname": "postgres"}), autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{params["dbname"]}"')
    try:
        yield make_conninfo("", **{**params, "dbname": name})
    finally:
        with psycopg.connect(template_url, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class SignedLedger:
    """A copy of the signed ledger: its URL, head, and the ``sanbao`` command line on it."""

    url: str
    head: int
    data_dir: Path

    def sanbao(self, *args: str) -> Result:
        env = {
            "DATABASE_URL": self.url,
            "SANBAO_LEDGER_SIGNING_KEY": SEED,
            "SANBAO_CHECKPOINT_EVENTS": str(CHECKPOINT_EVENTS),
            "SANBAO_DATA_DIR": str(self.data_dir),
            "COLUMNS": "250",
        }
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, list(args), env=env)
        finally:
            get_settings.cache_clear()

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url, autocommit=True)

    def checkpoints(self) -> list[tuple[int, int]]:
        """(seq, position) of every checkpoint, in order."""
        with self.connect() as conn:
            rows = conn.execute("SELECT seq, position FROM ledger.checkpoints ORDER BY seq")
            return [(int(seq), int(position)) for seq, position in rows.fetchall()]


@pytest.fixture(scope="module", name="template")
def template_fixture(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The module's signed ledger: 10 claims of 8 events, a checkpoint every 10 events."""
    suffix = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with scratch_database(database_url, sibling_name(database_url, suffix)) as url:
        write_claims(url, tmp_path_factory.mktemp("template"), claims=10, notes=7)
        yield url


@pytest.fixture(name="signed")
def signed_fixture(template: str, tmp_path: Path) -> Iterator[SignedLedger]:
    """A copy of the module's signed ledger for one test."""
    with database_copy(template) as url:
        with psycopg.connect(url) as conn:
            head = conn.execute("SELECT max(notification_id) FROM ledger.chain").fetchone()
        assert head is not None
        yield SignedLedger(url, int(head[0]), tmp_path)
