"""The role matrix, cell by cell: every role × every command is allowed or 403."""

from __future__ import annotations

from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.command_table import COMMAND_TABLE, CommandEntry
from api.roles import API_ROLES, PERMISSIONS
from domain.vocabulary import Role
from tests.e2e.claims import new_claim, report_body

pytestmark = pytest.mark.postgres

READS = {
    "/api/v1/claims": "claims:read",
    "/api/v1/claims/{id}": "claims:read",
    "/api/v1/claims/{id}/history": "history:read",
    "/api/v1/audit": "audit:read",
    "/api/v1/trace/serials/X": "trace:read",
    "/api/v1/trace/batches/B2026-07": "trace:read",
    "/api/v1/trace/models/M": "trace:read",
    "/api/v1/trace/suppliers/S": "trace:read",
    "/api/v1/sla/breaches": "sla:read",
    "/api/v1/reports/monthly?month=2026-11": "reports:read",
    "/api/v1/reports/satisfaction": "reports:read",
    "/api/v1/policy": "policy:read",
    "/api/v1/events": "events:read",
    "/api/v1/webhooks": "webhooks:manage",
}


@pytest.fixture(scope="module")
def claim_id(client: TestClient, as_role: dict[Role, dict[str, str]]) -> UUID:
    return UUID(new_claim(client, as_role[Role.SUPERVISOR])["claim_id"])


def assert_decision(response, role: Role, permission: str) -> None:  # type: ignore[no-untyped-def]
    if permission in PERMISSIONS[role]:
        assert response.status_code != 403, response.text
    else:
        assert response.status_code == 403, response.text
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert (problem["role"], problem["permission"]) == (role.value, permission)


@pytest.mark.parametrize("entry", COMMAND_TABLE, ids=[e.action for e in COMMAND_TABLE])
@pytest.mark.parametrize("role", API_ROLES, ids=[r.value for r in API_ROLES])
def test_each_role_may_or_may_not_run_each_command(
    client: TestClient,
    as_role: dict[Role, dict[str, str]],
    claim_id: UUID,
    role: Role,
    entry: CommandEntry,
) -> None:
    body = entry.schema.model_config["json_schema_extra"]["examples"][0]
    response = client.post(
        f"/api/v1/claims/{claim_id}/{entry.action}", json=body, headers=as_role[role]
    )
    assert_decision(response, role, entry.permission)


@pytest.mark.parametrize("role", API_ROLES, ids=[r.value for r in API_ROLES])
def test_each_role_may_or_may_not_report_a_claim(
    client: TestClient, as_role: dict[Role, dict[str, str]], role: Role
) -> None:
    response = client.post("/api/v1/claims", json=report_body(), headers=as_role[role])
    assert_decision(response, role, "claims:report")


@pytest.mark.parametrize(("path", "permission"), READS.items(), ids=list(READS))
@pytest.mark.parametrize("role", API_ROLES, ids=[r.value for r in API_ROLES])
def test_each_role_may_or_may_not_read_each_resource(
    client: TestClient,
    as_role: dict[Role, dict[str, str]],
    claim_id: UUID,
    role: Role,
    path: str,
    permission: str,
) -> None:
    response = client.get(path.replace("{id}", str(claim_id)), headers=as_role[role])
    assert_decision(response, role, permission)
    if permission in PERMISSIONS[role]:
        assert response.status_code == 200, response.text


def test_the_auditor_reads_everything_and_changes_nothing() -> None:
    assert not any(
        p.startswith("claims:") and p != "claims:read" for p in PERMISSIONS[Role.AUDITOR]
    )
