"""An unreachable database is 503 with Retry-After, never 500; liveness still answers."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from tests.e2e.conftest import api_settings

pytestmark = pytest.mark.fault


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def offline() -> Iterator[TestClient]:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/nowhere"
    with TestClient(create_app(api_settings(url))) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/claims"),
        ("GET", "/api/v1/claims/7b0c3a4e-8f1a-4f55-9a56-0c8f6a1f2b3c"),
        ("POST", "/api/v1/claims/7b0c3a4e-8f1a-4f55-9a56-0c8f6a1f2b3c/notes"),
        ("GET", "/readyz"),
    ],
)
def test_requests_needing_the_database_are_503_with_retry_after(
    offline: TestClient, method: str, path: str
) -> None:
    headers = {"Authorization": "Bearer sbk_x", "Idempotency-Key": "k1"}
    response = offline.request(method, path, json={"text": "x"}, headers=headers)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    assert response.json()["type"] == "urn:sanbao:problem:database-unavailable"


def test_liveness_answers_without_the_database_and_metrics_want_a_token(
    offline: TestClient,
) -> None:
    assert offline.get("/healthz").status_code == 200
    assert offline.get("/metrics").status_code == 401
