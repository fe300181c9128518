"""/docs and /redoc work with no network: every script, style and icon is served by the service."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*'([^']+)'""")


def referenced_urls(html: str) -> list[str]:
    return [a or b for a, b in ASSET.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_documentation_page_loads_only_from_the_service(client: TestClient, page: str) -> None:
    answer = client.get(page)
    assert answer.status_code == 200
    urls = referenced_urls(answer.text)
    assert any(url.endswith(".js") for url in urls), urls
    for url in urls:
        assert url.startswith("/"), f"{page} loads {url} from outside the service"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url


def test_swagger_page_loads_the_openapi_document(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/openapi.json" in html
    assert client.get("/openapi.json").json()["info"]["title"] == "Sanbao Ledger"
