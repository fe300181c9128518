"""Requests the service refuses before doing any work, and no 500 from input.

A position beyond the ledger's head, a body over the size limit (by its
Content-Length or counted as it streams), numbers in other scripts' digits and
NUL characters are refused with a problem document; an unexpected error is
logged with its traceback and the request's id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres

PROBLEM = "urn:sanbao:problem:"


def test_a_min_position_beyond_the_head_is_refused_at_once_naming_the_field_and_the_head(
    client: TestClient, as_role: dict[Role, dict[str, str]], runtime: Runtime
) -> None:
    runtime.settings.read_your_writes_timeout = 60.0  # a wait would outlast the test
    try:
        response = client.get("/api/v1/audit?min_position=999999999", headers=as_role[Role.AUDITOR])
    finally:
        runtime.settings.read_your_writes_timeout = 5.0
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == PROBLEM + "position-beyond-head"
    assert problem["errors"][0]["field"] == "min_position"
    assert problem["position"] == 999999999
    assert 0 <= problem["head"] < 999999999
    assert "999999999" in problem["detail_zh"]


def test_a_min_position_a_command_returned_is_still_read_as_before(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    response = client.get(
        f"/api/v1/audit?min_position={claim['position']}", headers=as_role[Role.AUDITOR]
    )
    assert response.status_code == 200


def limit_of(runtime: Runtime) -> int:
    return runtime.settings.max_body_bytes


def test_the_default_body_limit_is_one_mebibyte(runtime: Runtime) -> None:
    assert limit_of(runtime) == 1024 * 1024


def test_a_body_whose_content_length_exceeds_the_limit_is_413_naming_the_limit(
    client: TestClient, as_role: dict[Role, dict[str, str]], runtime: Runtime
) -> None:
    limit = limit_of(runtime)
    response = client.post(
        "/api/v1/claims",
        content=b"x" * (limit + 1),
        headers={**as_role[Role.AGENT], "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"]
    problem = response.json()
    assert problem["type"] == PROBLEM + "body-too-large"
    assert problem["limit"] == limit
    assert problem["errors"][0]["field"] == "body"
    assert problem["detail_zh"]


def test_an_unauthenticated_large_post_is_413_not_401(client: TestClient, runtime: Runtime) -> None:
    response = client.post(
        "/api/v1/claims",
        content=b"x" * (limit_of(runtime) + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """``total`` bytes in pieces, sent without a Content-Length (chunked)."""
    while total > 0:
        yield b"x" * min(size, total)
        total -= size


def test_a_chunked_body_is_counted_as_it_streams_and_refused_past_the_limit(
    client: TestClient, as_role: dict[Role, dict[str, str]], runtime: Runtime
) -> None:
    stream = chunks(limit_of(runtime) + 1)
    response = client.post(
        "/api/v1/claims",
        content=stream,
        headers={**as_role[Role.AGENT], "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["limit"] == limit_of(runtime)


def test_a_chunked_body_within_the_limit_reaches_the_command_whole(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    text = "长" * 3000
    body = json.dumps({"text": text}).encode()
    pieces = iter([body[:1000], body[1000:5000], body[5000:]])
    response = client.post(
        f"/api/v1/claims/{claim['claim_id']}/notes",
        content=pieces,
        headers={**as_role[Role.AGENT], "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    history = client.get(
        f"/api/v1/claims/{claim['claim_id']}/history", headers=as_role[Role.AGENT]
    ).text
    assert text in history


def test_an_if_match_in_superscript_digits_is_422_not_500(
    client: TestClient, as_role: dict[Role, dict[str, str]], runtime: Runtime
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])
    response = client.post(
        f"/api/v1/claims/{claim['claim_id']}/notes",
        json={"text": "x"},
        headers={**as_role[Role.AGENT], "If-Match": '"²"'.encode("latin-1")},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "If-Match"
    assert runtime.ledger.get_claim(UUID(claim["claim_id"])).version == 1


def test_an_access_log_cursor_in_superscript_digits_is_422_not_500(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    response = client.get("/api/v1/access-log?cursor=²", headers=as_role[Role.AUDITOR])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_an_unexpected_error_is_500_and_logged_with_its_traceback_and_request_id(
    client: TestClient,
    as_role: dict[Role, dict[str, str]],
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    claim = new_claim(client, as_role[Role.AGENT])

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a fault no rule foresaw")

    monkeypatch.setattr(runtime.ledger, "get_claim_at", broken)
    capsys.readouterr()
    response = client.get(
        f"/api/v1/claims/{claim['claim_id']}",
        headers={**as_role[Role.AGENT], "X-Request-ID": "trace-me-500"},
    )
    assert response.status_code == 500
    assert response.json()["type"] == PROBLEM + "internal"
    assert response.headers["x-request-id"] == "trace-me-500"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    errors = [line for line in lines if line.get("event") == "unexpected error"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "trace-me-500"
    assert errors[0]["error_type"] == "RuntimeError"
    assert "Traceback" in errors[0]["traceback"]
    assert "broken" in errors[0]["traceback"]


def test_a_report_month_in_another_scripts_digits_is_422(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    response = client.get("/api/v1/reports/monthly?month=2٠٢٦-11", headers=as_role[Role.SUPERVISOR])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "month"
