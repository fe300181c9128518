"""``sanbao demo`` on a fresh ledger: the walk-through shows the refusals a user would meet."""

from __future__ import annotations

import re
import uuid

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings
from tests.support.databases import scratch_database

pytestmark = pytest.mark.postgres

# One refusal of each kind the record rules add: a model code that is a name, a
# category the policy lacks, a fact dated before the previous one, a command the
# state table refuses, a complaint closed unconfirmed, a date outside its window,
# a refund and a quote off their decisions.
EXPECTED_KINDS = {
    "invalid-input",
    "unknown-category",
    "time-order",
    "lifecycle",
    "confirmation-required",
    "out-of-window",
    "refund-off-decision",
    "quote-off-decision",
}


def test_the_demo_prints_a_refusal_of_each_kind_and_stores_none_of_them(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scratch_database(database_url, f"demo_{uuid.uuid4().hex[:10]}") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            shown = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "200"})
            history = CliRunner().invoke(
                app, ["claim", "show", "LF-2026-0001"], env={"COLUMNS": "200"}
            )
        finally:
            get_settings.cache_clear()
    assert shown.exit_code == 0, shown.output
    kinds = set(re.findall(r'"type": "urn:sanbao:problem:([a-z-]+)"', shown.output))
    assert kinds == EXPECTED_KINDS
    # The refused note never reached the claim's history; the refused reports left one claim.
    assert history.exit_code == 0, history.output
    assert "客户收到新灯" in history.output and "补记" not in history.output
