"""``GET /readyz``: the database, the views' lag, and where each year's holidays come from."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from domain.calendar import holiday_source

pytestmark = pytest.mark.postgres


def test_readiness_names_the_holiday_source_of_this_year_and_the_next(client: TestClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    this_year = datetime.now().year
    assert answer.json()["calendar"] == {
        str(year): holiday_source(year).value for year in (this_year, this_year + 1)
    }
