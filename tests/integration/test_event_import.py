"""``sanbao import``'s path: historical claims COPYed into the events table load as claims,
project into the views, are skipped when imported again, and a bad line is refused."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from api.cli.import_claims import import_history
from api.service.bootstrap import open_ledger
from domain.application import ClaimsLedger
from domain.history_import import history_line
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from storage.recorder import datastore_of
from tests.e2e.conftest import api_settings
from tests.support.generate import build_claim

pytestmark = pytest.mark.postgres


@pytest.fixture
def ledger(database_url: str, tmp_path: Path) -> Iterator[ClaimsLedger]:
    """The ledger as the service opens it, on a database of its own (its views run here)."""
    name = f"sanbao_import_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    opened, _ = open_ledger(api_settings(url, data_dir=tmp_path))
    yield opened
    opened.close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def history_file(path: Path, ledger: ClaimsLedger, claims: int, bad_line: bytes = b"") -> list:
    """Claims built through the domain model, written one line each; returns them."""
    rng = random.Random(9)
    at = datetime.now().astimezone() - timedelta(days=20)
    built = [build_claim(ledger, n, at + timedelta(minutes=n), rng) for n in range(claims)]
    with path.open("wb") as out:
        for claim in built:
            out.write(history_line(ledger.mapper.transcoder, claim.collect_events()) + b"\n")
        out.write(bad_line)
    return built


def test_imported_claims_load_and_project_into_the_views(
    ledger: ClaimsLedger, tmp_path: Path
) -> None:
    path = tmp_path / "history.ndjson"
    built = history_file(path, ledger, claims=30)
    summary = import_history(ledger, path, jobs=2, chunk_lines=7)
    assert (summary.claims, summary.events, summary.error) == (30, 300, None)
    for claim in built:
        loaded = ledger.get_claim(claim.id)
        assert (loaded.claim_number, loaded.version, loaded.status) == (
            claim.claim_number,
            10,
            claim.status,
        )
    ViewRunner(ledger, build_views(ledger)).catch_up()
    with datastore_of(ledger).get_connection() as conn:
        rows = conn.execute("SELECT claim_number, status FROM views.claims").fetchall()
    assert {(r["claim_number"], r["status"]) for r in rows} == {
        (c.claim_number, c.status.value) for c in built
    }


def test_importing_the_same_file_again_skips_every_claim(
    ledger: ClaimsLedger, tmp_path: Path
) -> None:
    path = tmp_path / "history.ndjson"
    history_file(path, ledger, claims=5)
    import_history(ledger, path, jobs=1)
    again = import_history(ledger, path, jobs=1)
    assert (again.claims, again.events, again.skipped) == (0, 0, 5)


def test_a_line_with_a_gap_in_versions_is_refused_with_its_number(
    ledger: ClaimsLedger, tmp_path: Path
) -> None:
    path = tmp_path / "history.ndjson"
    good = tmp_path / "good.ndjson"
    history_file(good, ledger, claims=1)
    line = good.read_bytes().replace(b'"version":2,', b'"version":3,', 1)
    built = history_file(path, ledger, claims=3, bad_line=line)
    summary = import_history(ledger, path, jobs=1)
    assert summary.error is not None and summary.error.startswith("line 4: events.1.version")
    assert summary.claims == 3
    assert all(ledger.get_claim(c.id).version == 10 for c in built)


def test_a_claim_with_its_customer_in_plaintext_is_refused(
    ledger: ClaimsLedger, tmp_path: Path
) -> None:
    good = tmp_path / "good.ndjson"
    history_file(good, ledger, claims=1)
    record = json.loads(good.read_bytes())
    plain = {"name": "刘洋", "phone": "13800138001", "email": "", "region": "广东"}
    record["events"][0]["state"]["customer"] = {"_type_": "Customer", "_data_": plain}
    path = tmp_path / "history.ndjson"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    summary = import_history(ledger, path, jobs=1)
    assert summary.error == "line 1: events.0.state.customer: must be a sealed customer"
    assert (summary.claims, summary.events) == (0, 0)


def test_a_claim_whose_business_time_runs_backwards_is_refused(
    ledger: ClaimsLedger, tmp_path: Path
) -> None:
    good = tmp_path / "good.ndjson"
    history_file(good, ledger, claims=1)
    record = json.loads(good.read_bytes())
    earlier = {**record["events"][0]["state"]["occurred_at"], "_data_": "2000-01-01T00:00:00+08:00"}
    record["events"][1]["state"]["occurred_at"] = earlier
    path = tmp_path / "history.ndjson"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    summary = import_history(ledger, path, jobs=1)
    assert summary.error is not None
    assert summary.error.startswith("line 1: events.1.state.occurred_at: precedes")
    assert (summary.claims, summary.events) == (0, 0)
