"""A query parameter a route does not have is refused with 422 naming it, on every API route,
never ignored (an export "from" a date that silently exported everything)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from domain.vocabulary import Role

pytestmark = pytest.mark.postgres


def api_routes(client: TestClient) -> list[tuple[str, str]]:
    assert isinstance(client.app, FastAPI)
    found = []
    for context in iter_route_contexts(client.app.routes):
        route = context.original_route
        path = str(context.path)
        if isinstance(route, APIRoute) and route.include_in_schema and not path.startswith("/ui"):
            for method in sorted(route.methods):
                found.append((method, path))
    return found


def test_the_misspelt_export_period_is_refused_naming_both_names(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.get(
        "/api/v1/audit/export?from=2026-12-01T00:00:00%2B08:00&to=2026-12-02T00:00:00%2B08:00",
        headers=as_role[Role.AUDITOR],
    )
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["type"] == "urn:sanbao:problem:unknown-parameter"
    assert [e["field"] for e in problem["errors"]] == ["from", "to"]
    assert "recorded_from" in problem["parameters"] and "recorded_from" in problem["detail"]
    assert "from" in problem["detail_zh"]


def test_declared_parameters_of_sub_dependencies_are_accepted(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.get(
        "/api/v1/claims?status=reported&min_position=0&limit=5", headers=as_role[Role.AGENT]
    )
    assert answer.status_code == 200, answer.text


def test_every_api_route_refuses_an_unknown_parameter(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    headers = as_role[Role.SUPERVISOR]
    checked = 0
    for method, path in api_routes(client):
        url = path.format_map(_Samples()) + "?no_such_parameter=1"
        answer = client.request(method, url, headers=headers, json={})
        assert answer.status_code == 422, (method, path, answer.status_code, answer.text)
        assert answer.json()["type"] == "urn:sanbao:problem:unknown-parameter", (method, path)
        checked += 1
    assert checked > 40


class _Samples(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return {"kind": "batches"}.get(key, "X-1")
