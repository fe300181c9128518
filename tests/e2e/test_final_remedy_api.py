"""Over HTTP: an item counts once, by its final remedy, in the trace summaries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import report_body

pytestmark = pytest.mark.postgres


def command(client: TestClient, headers: dict[str, str], claim_id: str, name: str, **body: Any):  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/claims/{claim_id}/{name}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_exchange_whose_faulty_unit_came_back_is_one_exchange_and_no_return(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    model = f"FR-{uuid.uuid4().hex[:8]}"
    body = report_body()
    body["items"][0]["model"] = model
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT]).json()
    claim_id = reported["claim_id"]
    tech, warehouse = as_role[Role.TECHNICIAN], as_role[Role.WAREHOUSE]
    command(client, tech, claim_id, "diagnose", finding="不亮", cause="quality_defect", item_no=1)
    command(client, warehouse, claim_id, "receive-return", item_no=1, inspection="as_described")
    shipped = command(client, warehouse, claim_id, "ship-replacement", item_no=1, serial_no=model)
    traced = client.get(
        f"/api/v1/trace/models/{model}?min_position={shipped['position']}",
        headers=as_role[Role.SUPERVISOR],
    ).json()
    assert (traced["items"], traced["exchanges"], traced["returns"]) == (1, 1, 0)
