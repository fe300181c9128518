"""``sanbao recall``: the demo's recall list of a batch as CSV, from the trace view."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings
from tests.support.databases import scratch_database

pytestmark = pytest.mark.postgres


def test_a_batchs_recall_list_prints_as_csv_once_the_views_ran(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scratch_database(database_url, f"recall_{uuid.uuid4().hex[:10]}") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            assert CliRunner().invoke(app, ["demo"]).exit_code == 0
            before = CliRunner().invoke(app, ["recall", "--batch", "B2025-05"])
            assert CliRunner().invoke(app, ["projections", "rebuild", "trace"]).exit_code == 0
            after = CliRunner().invoke(app, ["recall", "--batch", "B2025-05"])
            neither = CliRunner().invoke(app, ["recall"])
        finally:
            get_settings.cache_clear()

    assert before.exit_code == 0 and "behind" in before.stderr
    assert after.exit_code == 0, after.output
    rows = list(csv.DictReader(io.StringIO(after.stdout.lstrip("\ufeff"))))
    assert {(r["serial_no"], r["claim_number"]) for r in rows} == {
        ("TD30-0003391", "LF-2026-0009"),
        ("TD30-0003391", "LF-2026-0010"),
    }
    assert neither.exit_code == 2
