"""Every time in an API answer is RFC 3339 with the business offset, +08:00 (Beijing time),
in lists and the audit trail as in a claim's detail; a time without an offset is refused."""

from __future__ import annotations

import json
import re
import typing
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import AwareDatetime, BaseModel

from api.command_table import COMMAND_TABLE
from api.http.schemas.claims import ClaimReport
from api.http.schemas.reads import PolicyEvaluation
from api.http.schemas.units import UnitRegistrationIn
from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
BUSINESS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$")


def times_in(value: Any, where: str = "") -> list[tuple[str, str]]:
    """(path, text) of every string in ``value`` that looks like a time of day."""
    if isinstance(value, str):
        return [(where, value)] if TIME.match(value) else []
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in times_in(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [t for i, v in enumerate(value) for t in times_in(v, f"{where}[{i}]")]
    return []


@pytest.fixture(scope="module")
def claim(client: TestClient, as_role: dict[Role, dict[str, str]]) -> dict[str, Any]:
    reported = new_claim(client, as_role[Role.AGENT], serial_no="TIMES-0001")
    number = reported["claim"]["claim_number"]
    noted = client.post(
        f"/api/v1/claims/{number}/notes",
        json={"text": "time check", "occurred_at": "2026-12-01T01:00:00Z"},
        headers=as_role[Role.AGENT],
    )
    assert noted.status_code in (200, 422), noted.text
    client.get(f"/api/v1/claims/{number}", headers=as_role[Role.SUPERVISOR])  # access log
    return {"number": number, "position": reported["position"]}


def paths(claim: dict[str, Any]) -> list[str]:
    number, at = claim["number"], claim["position"]
    return [
        f"/api/v1/claims?min_position={at}",
        f"/api/v1/claims/{number}",
        f"/api/v1/claims/{number}/history",
        f"/api/v1/claims/{number}/proof",
        f"/api/v1/audit?claim_id={number}&min_position={at}",
        f"/api/v1/access-log?claim={number}",
        "/api/v1/sla/breaches",
        "/api/v1/units/TIMES-0001",
        "/api/v1/ledger/status",
        "/api/v1/ledger/head",
        "/api/v1/ledger/verify",
        "/api/v1/events?after=0",
    ]


def test_every_time_in_an_answer_carries_the_business_offset(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: dict[str, Any]
) -> None:
    headers = as_role[Role.SUPERVISOR]
    seen, wrong = 0, []
    for path in paths(claim):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        for where, text in times_in(answer.json()):
            seen += 1
            if not BUSINESS.match(text):
                wrong.append((path, where, text))
    export = client.get(f"/api/v1/audit/export?claim={claim['number']}", headers=headers)
    for line in export.text.splitlines():
        for where, text in times_in(json.loads(line)):
            seen += 1
            if not BUSINESS.match(text):
                wrong.append(("export", where, text))
    assert wrong == [], "\n".join(map(str, wrong))
    assert seen > 10


def time_query_parameters(client: TestClient) -> list[tuple[str, str]]:
    """(path, name) of every query parameter the OpenAPI document types as a date-time."""
    document = client.get("/openapi.json").json()
    found = []
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                options = [schema, *schema.get("anyOf", [])]
                if parameter["in"] == "query" and any(
                    o.get("format") == "date-time" for o in options
                ):
                    found.append((path, parameter["name"]))
    return found


def test_every_time_query_parameter_refuses_a_time_without_an_offset(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: dict[str, Any]
) -> None:
    parameters = time_query_parameters(client)
    assert len(parameters) >= 10
    for path, name in parameters:
        url = "/api/v1" + path.removeprefix("/api/v1").replace("{claim_id}", claim["number"])
        answer = client.get(
            url, params={name: "2026-12-01T10:00:00"}, headers=as_role[Role.SUPERVISOR]
        )
        assert answer.status_code == 422, (path, name, answer.text)
        assert answer.json()["errors"][0]["field"] == name, (path, name)


def datetime_fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any]]:
    """(field, annotation) of every field that holds a datetime, nested models included."""
    found = []
    for name, field in model.model_fields.items():
        for part in typing.get_args(field.annotation) or (field.annotation,):
            inner = typing.get_args(part) or (part,)
            for kind in inner:
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    found += datetime_fields(kind, f"{prefix}{name}.")
                elif kind is AwareDatetime or (
                    isinstance(kind, type) and issubclass(kind, datetime)
                ):
                    found.append((f"{prefix}{name}", kind))
    return found


def test_every_time_in_a_request_body_needs_an_offset() -> None:
    bodies = [entry.schema for entry in COMMAND_TABLE] + [
        ClaimReport,
        PolicyEvaluation,
        UnitRegistrationIn,
    ]
    found = [(b.__name__, f, kind) for b in bodies for f, kind in datetime_fields(b)]
    assert len(found) >= len(COMMAND_TABLE)  # every command takes occurred_at
    assert [(b, f) for b, f, kind in found if kind is not AwareDatetime] == []
