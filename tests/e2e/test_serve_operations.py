"""``sanbao serve`` behind a TLS proxy and with a metrics address.

Forwarded headers are trusted from the configured proxies only: behind the proxy
the console's cookies stay ``Secure``, and a client elsewhere cannot claim HTTPS.
The metrics port serves ``/metrics`` and readiness's detail without a token; the
API's port wants one with the metrics permission.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from tests.e2e.processes import answers_ready, service_env, wait_for
from tests.support.databases import scratch_database, sibling_name
from tests.support.private_postgres import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
HTTPS_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture(scope="module")
def serve_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, sibling_name(database_url, "serve_ops")) as url:
        yield url


@contextmanager
def serving(url: str, data_dir: Path, **settings: str) -> Iterator[tuple[str, str]]:
    """``sanbao serve`` with the given SANBAO_ settings; the API's and the metrics' base URLs."""
    metrics_port = free_port()
    env = service_env(url, data_dir) | {
        "SANBAO_METRICS_PORT": str(metrics_port),
        **{f"SANBAO_{name.upper()}": value for name, value in settings.items()},
    }
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "serve", "--port", str(port), "--no-projections"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers_ready(base), 60, "the service to be ready")
        yield base, f"http://127.0.0.1:{metrics_port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_behind_a_trusted_proxy_the_console_cookie_is_secure(
    serve_url: str, tmp_path: Path
) -> None:
    with serving(serve_url, tmp_path, forwarded_allow_ips="127.0.0.1") as (base, _):
        page = httpx2.get(f"{base}/ui/sign-in", headers=HTTPS_PROXY)
    assert page.status_code == 200
    assert "secure" in page.headers["set-cookie"].lower()


def test_a_client_that_is_not_a_configured_proxy_cannot_claim_https(
    serve_url: str, tmp_path: Path
) -> None:
    with serving(serve_url, tmp_path, forwarded_allow_ips="192.0.2.1") as (base, _):
        page = httpx2.get(f"{base}/ui/sign-in", headers=HTTPS_PROXY)
    assert page.status_code == 200
    assert "secure" not in page.headers["set-cookie"].lower()


def test_the_metrics_port_serves_metrics_and_readiness_detail_without_a_token(
    serve_url: str, tmp_path: Path
) -> None:
    with serving(serve_url, tmp_path) as (base, metrics_base):
        open_metrics = httpx2.get(f"{metrics_base}/metrics")
        open_readiness = httpx2.get(f"{metrics_base}/readyz").json()
        api_metrics = httpx2.get(f"{base}/metrics")
        api_readiness = httpx2.get(f"{base}/readyz").json()
        health = httpx2.get(f"{base}/healthz")
    assert open_metrics.status_code == 200 and "sanbao_http_requests" in open_metrics.text
    assert "head" in open_readiness and "quarantined_events" in open_readiness
    assert api_metrics.status_code == 401
    assert "head" not in api_readiness
    assert health.status_code == 200
