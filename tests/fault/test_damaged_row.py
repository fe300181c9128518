"""A stored event altered before the views applied it never stops them: the runner
quarantines it (position, view, fault), goes on with what follows, and does so again
after a restart instead of failing on it.

Two kinds of damage: a row the mapper cannot decode (an actor that is a list), and
a row that decodes but that the views refuse (a business time that is no time: the
kind of ``TypeError`` that once crashed the view process on every restart).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from api.http.app import create_app
from api.service.bootstrap import open_ledger
from api.settings import Settings, get_settings
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from projections.engine.quarantine import quarantined_events
from projections.engine.rebuild import rebuild_view
from projections.engine.registry import build_views, view_factories
from projections.engine.runner import ViewRunner
from tests.support.business_day import business_today
from tests.support.databases import scratch_database, sibling_name

pytestmark = [pytest.mark.postgres, pytest.mark.fault]
AGENT = Actor("fault.agent", Role.AGENT)


@dataclass(frozen=True)
class Damaged:
    """A ledger whose views have not run yet: two rows altered, claims after them."""

    url: str
    ledger: ClaimsLedger
    undecodable: int
    refused: int
    later_claim: UUID


def report(ledger: ClaimsLedger, serial_no: str) -> UUID:
    return ledger.report(
        AGENT,
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=Customer("客户", phone="13800000000", region="广东"),
        items=(Item("XD-450", "lighting", serial_no=serial_no),),
        purchase=Purchase(business_today()),
        requested_remedy=None,
        description="不亮",
    ).claim_id


def alter(url: str, position: int, change: str, value: object) -> None:
    """Rewrites one field of a stored event, as an insider with the database's keys would
    (past the append-only triggers, which a superuser can switch off)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        (state,) = conn.execute(
            "SELECT state FROM sanbaoledger_events WHERE notification_id = %s", (position,)
        ).fetchone() or (None,)
        data = json.loads(bytes(state))
        data[change] = value
        conn.execute(
            "UPDATE sanbaoledger_events SET state = %s WHERE notification_id = %s",
            (json.dumps(data).encode(), position),
        )


@pytest.fixture(scope="module")
def damaged(database_url: str) -> Iterator[Damaged]:
    with scratch_database(database_url, sibling_name(database_url, "damaged")) as url:
        ledger, _ = open_ledger(Settings(DATABASE_URL=url))  # type: ignore[call-arg]
        try:
            claim_id = report(ledger, "DMG-1")
            undecodable = ledger.command(Claim.add_note, claim_id, AGENT, text="a").position
            refused = ledger.command(Claim.add_note, claim_id, AGENT, text="b").position
            later_claim = report(ledger, "DMG-2")
            alter(url, undecodable, "actor", {"_type_": "Actor", "_data_": ["x"]})
            alter(url, refused, "occurred_at", "not a time")
            ledger.close()  # forget cached aggregates: the views read the stored rows
            ledger, _ = open_ledger(Settings(DATABASE_URL=url))  # type: ignore[call-arg]
            yield Damaged(url, ledger, undecodable, refused, later_claim)
        finally:
            ledger.close()


def run_views(ledger: ClaimsLedger) -> ViewRunner:
    runner = ViewRunner(ledger, build_views(ledger))
    runner.catch_up()
    return runner


def quarantined(url: str) -> dict[tuple[int, str], str]:
    with psycopg.connect(url) as conn:
        return {(q.position, q.view): q.fault for q in quarantined_events(conn)}


def test_the_views_step_over_damaged_rows_and_apply_what_follows(damaged: Damaged) -> None:
    runner = run_views(damaged.ledger)

    head = runner.head()
    assert runner.positions() == {view.name: head for view in runner.views}
    with psycopg.connect(damaged.url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM views.claims WHERE claim_id = %s", (damaged.later_claim,)
        ).fetchone()
    assert row == (1,)


def test_an_undecodable_row_is_quarantined_for_every_view_with_its_fault(
    damaged: Damaged,
) -> None:
    runner = run_views(damaged.ledger)

    found = quarantined(damaged.url)
    for view in (v.name for v in runner.views):
        assert "MapperDeserialisationError" in found[(damaged.undecodable, view)]


def test_a_row_the_views_refuse_is_quarantined_for_the_views_that_refuse_it(
    damaged: Damaged,
) -> None:
    runner = run_views(damaged.ledger)

    found = quarantined(damaged.url)
    refusing = {view for (position, view) in found if position == damaged.refused}
    assert "TypeError" in found[(damaged.refused, "audit")]  # it subtracts times
    assert refusing < {v.name for v in runner.views}  # the views that can apply it did


def test_a_restarted_runner_goes_on_without_failing_on_them_again(damaged: Damaged) -> None:
    run_views(damaged.ledger)
    before = quarantined(damaged.url)
    written = damaged.ledger.command(
        Claim.add_note, damaged.later_claim, AGENT, text="after the restart"
    ).position

    restarted = ViewRunner(damaged.ledger, build_views(damaged.ledger))
    applied = restarted.catch_up()

    assert applied >= 1
    assert set(restarted.positions().values()) == {written}
    assert quarantined(damaged.url) == before


def test_verify_names_each_quarantined_row_and_fails(
    damaged: Damaged, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_views(damaged.ledger)
    monkeypatch.setenv("DATABASE_URL", damaged.url)
    monkeypatch.setenv("SANBAO_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["verify"], env={"COLUMNS": "300"})
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 1, result.output
    assert f"quarantined by the views: position {damaged.undecodable} (view claims)" in (
        result.output
    )
    assert f"position {damaged.refused} (view audit): TypeError" in result.output


def test_readiness_says_degraded_and_metrics_count_the_quarantined_events(
    damaged: Damaged,
) -> None:
    run_views(damaged.ledger)
    count = len(quarantined(damaged.url))
    service = create_app(Settings(DATABASE_URL=damaged.url, projections=False))  # type: ignore[call-arg]
    with TestClient(service) as http:
        assert service.state.runtime.wait_until_ready(30)
        auditor = service.state.runtime.users.add("fault.auditor", Role.AUDITOR)
        headers = {"Authorization": f"Bearer {auditor}"}

        anyone = http.get("/readyz")
        detailed = http.get("/readyz", headers=headers).json()
        metrics = http.get("/metrics", headers=headers).text

    assert anyone.status_code == 200 and anyone.json()["status"] == "degraded"
    assert detailed["quarantined_events"] == count
    assert f"sanbao_quarantined_events {float(count)}" in metrics


def test_a_rebuild_steps_over_them_too_and_keeps_them_under_the_views_name(
    damaged: Damaged,
) -> None:
    run_views(damaged.ledger)
    before = quarantined(damaged.url)

    position = rebuild_view(damaged.ledger, view_factories(damaged.ledger)["audit"])

    assert position == run_views(damaged.ledger).head()
    assert quarantined(damaged.url).keys() == before.keys()  # none under "audit#rebuild"
