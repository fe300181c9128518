"""Least privilege: the owner role sets the ledger up; the service's role can only append.

As the README's "Least privilege" section does it: the owner owns the database,
opens the ledger once and grants the service's role (``sanbao ledger
grant-service``); the service then runs as that role. It writes claims, signs
checkpoints and verifies, but cannot UPDATE, DELETE or TRUNCATE the ledger's
events, chain, checkpoints or verifications, nor switch their triggers off.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pydantic import SecretStr
from typer.testing import CliRunner

from api.cli.main import app
from api.http.app import create_app
from api.service.bootstrap import open_ledger
from api.service.ledger_integrity import LedgerIntegrity
from api.service.runtime import Runtime
from api.settings import Settings, get_settings
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from tests.e2e.claims import report_body
from tests.support.business_day import business_today

pytestmark = pytest.mark.postgres
SEED = base64.b64encode(bytes(range(50, 82))).decode()
EVENTS = "public.sanbaoledger_events"
UNITS = "public.sanbaoledger_units"  # units' registrations (domain.units)
STOCK = "public.sanbaoledger_stock"  # stock movements (domain.stock)
LEDGER_TABLES = [
    EVENTS,
    UNITS,
    STOCK,
    "ledger.chain",
    "ledger.checkpoints",
    "ledger.verifications",
]


@dataclass(frozen=True)
class Roles:
    owner_url: str
    service_url: str
    service: str


@pytest.fixture(scope="module")
def roles(database_url: str) -> Iterator[Roles]:
    """An owner role owning a database of its own, and a service role owning nothing."""
    params = conninfo_to_dict(database_url)
    suffix = uuid.uuid4().hex[:8]
    owner, service = f"sanbao_owner_{suffix}", f"sanbao_service_{suffix}"
    dbname = f"{params['dbname']}_least_privilege"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN')
        conn.execute(f'CREATE ROLE "{service}" LOGIN')
        conn.execute(f'CREATE DATABASE "{dbname}" OWNER "{owner}"')
    try:
        yield Roles(
            make_conninfo("", **{**params, "dbname": dbname, "user": owner}),
            make_conninfo("", **{**params, "dbname": dbname, "user": service}),
            service,
        )
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{service}"')
            conn.execute(f'DROP ROLE IF EXISTS "{owner}"')


def settings(url: str, data_dir: Path) -> Settings:
    return Settings(DATABASE_URL=url, ledger_signing_key=SecretStr(SEED), data_dir=data_dir)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def granted(roles: Roles, tmp_path_factory: pytest.TempPathFactory) -> Roles:
    """The owner's one step: ``sanbao ledger grant-service ROLE``."""
    env = {
        "DATABASE_URL": roles.owner_url,
        "SANBAO_LEDGER_SIGNING_KEY": SEED,
        "SANBAO_DATA_DIR": str(tmp_path_factory.mktemp("owner")),
    }
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ledger", "grant-service", roles.service], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "may append to, but never change" in result.output
    return roles


def test_the_service_role_writes_signs_and_verifies(granted: Roles, tmp_path: Path) -> None:
    ledger, _ = open_ledger(settings(granted.service_url, tmp_path))
    try:
        agent = Actor("least.agent", Role.AGENT)
        ledger.report(
            agent,
            kind=ClaimKind.REPAIR,
            channel=Channel.PHONE,
            customer=Customer("客户", phone="13800000000", region="广东"),
            items=(Item("XD-450", "lighting", serial_no="LEAST-1"),),
            purchase=Purchase(business_today()),
            requested_remedy=None,
            description="不亮",
        )
        ledger.register_unit(
            agent,
            serial_no="LEAST-1",
            model="XD-450",
            purchased_on=business_today(),
            channel="门店",
        )
        assert ledger.units.registration("LEAST-1") is not None
        integrity = LedgerIntegrity(ledger, settings(granted.service_url, tmp_path))
        assert integrity.checkpoint()
        report = integrity.verify()
        assert report.intact, report.summary()
        assert report.signed_up_to == report.last_good > 0
    finally:
        ledger.close()


COLUMN = {
    EVENTS: "topic",
    UNITS: "topic",
    STOCK: "topic",
    "ledger.chain": "log_hash",
    "ledger.checkpoints": "body",
}


@pytest.mark.parametrize("table", LEDGER_TABLES)
@pytest.mark.parametrize("operation", ["UPDATE", "DELETE", "TRUNCATE"])
def test_the_service_role_cannot_update_delete_or_truncate_the_ledger(
    granted: Roles, table: str, operation: str
) -> None:
    column = COLUMN.get(table, "fault_detail")
    statement = {
        "UPDATE": f"UPDATE {table} SET {column} = {column}",
        "DELETE": f"DELETE FROM {table}",
        "TRUNCATE": f"TRUNCATE {table}",
    }[operation]
    with psycopg.connect(granted.service_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        f"ALTER TABLE {EVENTS} DISABLE TRIGGER ledger_append_only",
        "ALTER TABLE ledger.chain DISABLE TRIGGER ledger_append_only",
        f"DROP TRIGGER ledger_append_only ON {EVENTS}",
        "SET session_replication_role = replica",
    ],
)
def test_the_service_role_cannot_switch_the_ledgers_triggers_off(
    granted: Roles, statement: str
) -> None:
    with psycopg.connect(granted.service_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


def test_grant_service_refuses_a_role_that_does_not_exist(roles: Roles, tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": roles.owner_url,
        "SANBAO_LEDGER_SIGNING_KEY": SEED,
        "SANBAO_DATA_DIR": str(tmp_path),
    }
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ledger", "grant-service", "no_such_role_x"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "no database role 'no_such_role_x'" in result.output


def test_the_whole_service_runs_as_the_service_role(granted: Roles, tmp_path: Path) -> None:
    service = create_app(
        Settings(  # type: ignore[call-arg]
            DATABASE_URL=granted.service_url,
            ledger_signing_key=SecretStr(SEED),
            data_dir=tmp_path,
            token_cache_seconds=0,
            projections=True,
        )
    )
    with TestClient(service, raise_server_exceptions=False) as client:
        runtime: Runtime = service.state.runtime
        assert runtime.wait_until_ready(30), "the ledger did not open as the service role"
        headers = {"Authorization": f"Bearer {runtime.users.add('least.agent', Role.AGENT)}"}
        reported = client.post("/api/v1/claims", json=report_body(), headers=headers)
        assert reported.status_code == 201, reported.text
        claim_id = reported.json()["claim_id"]
        shown = client.get(f"/api/v1/claims/{claim_id}", headers=headers)
        assert shown.status_code == 200, shown.text
