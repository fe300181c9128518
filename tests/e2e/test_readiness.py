"""``GET /readyz``: the database, and where each year's holidays come from; the head, the
views' lag and their quarantined events for the metrics permission."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from domain.calendar import holiday_source
from domain.vocabulary import Role

pytestmark = pytest.mark.postgres


def test_readiness_names_the_holiday_source_of_this_year_and_the_next(client: TestClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    this_year = datetime.now().year
    assert answer.json()["calendar"] == {
        str(year): holiday_source(year).value for year in (this_year, this_year + 1)
    }


def test_readiness_gives_head_lag_and_quarantined_events_to_the_metrics_permission_only(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    anyone = client.get("/readyz").json()
    detailed = client.get("/readyz", headers=as_role[Role.AUDITOR]).json()

    assert anyone["status"] == "ready"
    assert not {"head", "projection_lag", "quarantined_events"} & anyone.keys()
    assert detailed["quarantined_events"] == 0
    assert detailed["head"] >= 0 and detailed["projection_lag"] >= 0
    assert client.get("/readyz", headers=as_role[Role.AGENT]).status_code == 403
