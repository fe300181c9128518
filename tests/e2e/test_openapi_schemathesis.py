"""A schemathesis run over the OpenAPI document against the live service (uvicorn).

Every operation gets generated requests (about 1,100 in all, as a supervisor so
permissions do not hide behaviour); none may answer 5xx, except 503
``views-behind`` for a ``min_position`` the views have not reached (the
documented read-your-writes answer), and every answer must match the
documented status codes, content types, headers and schemas.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi import checks

from api.http.app import create_app
from domain.vocabulary import Role
from tests.e2e.conftest import api_settings

pytestmark = [pytest.mark.postgres, pytest.mark.schemathesis]
EXAMPLES_PER_OPERATION = 30
CALLS: list[int] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_url(api_database_url: str) -> Iterator[str]:
    settings_ = api_settings(api_database_url, read_your_writes_timeout=0.05)
    port = free_port()
    app = create_app(settings_)
    config = uvicorn.Config(app, port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    # The ledger opens in the background: requests before that answer 503 by design.
    assert app.state.runtime.wait_until_ready(30), "the ledger did not open"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def supervisor(tokens: dict[Role, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[Role.SUPERVISOR]}"}


def no_server_error(ctx: CheckContext, response: schemathesis.Response, case) -> bool:  # type: ignore[no-untyped-def]
    """No 5xx, but the documented 503 for views behind a requested position."""
    if response.status_code < 500:
        return True
    if response.status_code == 503 and b"views-behind" in response.content:
        return True
    raise Failure(operation=case.operation.label, title="Server error", message=response.text)


# The document is generated without a database (create_app connects only in its
# lifespan); the requests go to the live service.
# The event stream (Server-Sent Events) never ends by design; its own tests read it.
schema = schemathesis.openapi.from_dict(
    create_app(api_settings("postgresql://unused@127.0.0.1:1/unused")).openapi()
).exclude(path="/api/v1/events/stream")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(  # type: ignore[no-untyped-def]
    case, live_url: str, supervisor: dict[str, str]
) -> None:
    CALLS.append(1)
    case.call_and_validate(
        base_url=live_url,
        headers=supervisor,
        checks=[
            no_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
            checks.response_headers_conformance,
        ],
    )


def test_the_run_made_at_least_a_thousand_requests() -> None:
    assert len(CALLS) >= 1000, len(CALLS)
