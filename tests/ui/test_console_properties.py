"""A property-based run over the console's query strings and forms, as schemathesis runs
over the API: against the live service (uvicorn), signed in as a supervisor.

Every console GET page gets generated query strings (its own parameters and
unknown ones) and every form POST generated fields (with the session's CSRF
token): text with NUL and odd Unicode, digits of other scripts and
superscripts, huge and negative numbers, impossible and far dates, open
redirect targets. None may answer 5xx, and a refused request stores nothing:
a refused command leaves its claim at its version, a refused page or reveal
adds nothing to the access log. About 1,000 requests in all.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx2 as httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.command_table import COMMAND_TABLE
from api.http.app import create_app
from api.http.schemas.filters import ClaimFilterParams
from api.service.runtime import Runtime
from api.ui.forms import form_fields
from domain.reveal_purposes import CODES
from domain.vocabulary import Role
from storage.access_log import search_access_log
from storage.recorder import datastore_of
from tests.e2e.claims import new_claim
from tests.e2e.conftest import api_settings

pytestmark = [pytest.mark.postgres, pytest.mark.schemathesis]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STATUSES: list[int] = []
NUL = "\x00"
RUN = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))

ODD_VALUES = [
    "\x00", "a\x00b", "%00", "²", "¹²³", "٣", "৫", "１２", "𝟙𝟚", "Ⅻ", "\u202e", "\ufeff",
    "-1", "0", "1e309", "NaN", "Infinity", str(2**64), "9" * 40, "-" + "9" * 30, "0x10",
    "2026-02-30", "9999-12-31", "0001-01-01", "10000-01-01", "2026-13-01", "0000-00-00",
    "2026-12-07T25:00", "2026-12-07T10:00+99:00", "9999-12-31T23:59", "2026-11", "2٠٢٦-11",
    " ", "", "true", "null", "[]", "' OR 1=1 --", "<script>alert(1)</script>", "..",
    "/ui/claims", "//evil.example", "https://evil.example", "/ui/\x00", "x" * 3000,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
    st.sampled_from(CODES),
)
UNKNOWN_NAMES = st.sampled_from(["unknown", "limit[]", "csrf", "__proto__", "a\x00"])
FILTERS = list(ClaimFilterParams.__dataclass_fields__)
PAGES: dict[str, list[str]] = {
    "/ui": [],
    "/ui/sign-in": ["next"],
    "/ui/language/en": ["next"],
    "/ui/claims": [*FILTERS, "limit", "cursor"],
    "/ui/claims/{claim}": ["version", "min_position"],
    "/ui/claims/{number}": ["version"],
    "/ui/trace": ["by", "key"],
    "/ui/sla": ["team", "assignee"],
    "/ui/reports/monthly": ["month"],
    "/ui/reports/monthly.csv": ["chart", "month"],
    "/ui/integrity": [],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_url(api_database_url: str, demo: list[str]) -> Iterator[str]:
    """The service under uvicorn, without background work (nothing but requests writes)."""
    app = create_app(api_settings(api_database_url, projections=False))
    server = uvicorn.Server(
        uvicorn.Config(app, port=free_port(), log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.state.runtime.wait_until_ready(30), "the ledger did not open"
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def user(runtime: Runtime) -> tuple[str, str]:
    """A supervisor of the run's own: its reveals count toward no other test's limit."""
    name = f"console.fuzz.{uuid.uuid4().hex[:6]}"
    return name, runtime.users.add(name, Role.SUPERVISOR)


def signed_in(live_url: str, token: str) -> httpx.Client:
    browser = httpx.Client(base_url=live_url, timeout=60)
    form = browser.get("/ui/sign-in")
    match = CSRF.search(form.text)
    assert match
    answer = browser.post("/ui/sign-in", data={"csrf_token": match.group(1), "token": token})
    assert answer.status_code == 303, answer.text
    return browser


@pytest.fixture(scope="module")
def browser(live_url: str, user: tuple[str, str]) -> Iterator[httpx.Client]:
    client = signed_in(live_url, user[1])
    yield client
    client.close()


@pytest.fixture(scope="module")
def claim(client: TestClient, tokens: dict[Role, str]) -> dict[str, Any]:
    """A claim of the run's own, for the command forms to act on."""
    return new_claim(client, {"Authorization": f"Bearer {tokens[Role.AGENT]}"})


@pytest.fixture(scope="module")
def csrf(browser: httpx.Client, claim: dict[str, Any]) -> str:
    match = CSRF.search(browser.get(f"/ui/claims/{claim['claim_id']}").text)
    assert match
    return match.group(1)


def logged(runtime: Runtime, actor: str) -> int:
    with datastore_of(runtime.ledger).get_connection() as conn:
        return len(search_access_log(conn, actor=actor, limit=1000))


def answered(response: httpx.Response) -> httpx.Response:
    STATUSES.append(response.status_code)
    assert response.status_code < 500, (response.request.url, response.text[:2000])
    return response


def query_of(data: st.DataObject, known: list[str]) -> list[tuple[str, str]]:
    names = st.sampled_from(known) | UNKNOWN_NAMES if known else UNKNOWN_NAMES
    return data.draw(st.lists(st.tuples(names, VALUES), max_size=5), label="query")


@pytest.mark.parametrize("page", list(PAGES))
@RUN
@given(data=st.data())
def test_no_console_query_string_gives_a_5xx_or_logs_a_refused_page(
    page: str,
    data: st.DataObject,
    browser: httpx.Client,
    claim: dict[str, Any],
    user: tuple[str, str],
    runtime: Runtime,
) -> None:
    path = page.format(claim=claim["claim_id"], number=claim["claim_number"])
    before = logged(runtime, user[0])
    query = query_of(data, PAGES[page])
    response = answered(browser.get(path, params=query))
    if any(NUL in name + value for name, value in query):
        assert response.status_code == 422
    if response.status_code >= 400:
        assert logged(runtime, user[0]) == before


@RUN
@given(reference=VALUES, language=VALUES)
def test_no_console_path_value_gives_a_5xx(
    reference: str, language: str, browser: httpx.Client
) -> None:
    answered(browser.get(f"/ui/claims/{quote(reference, safe='')}"))
    answered(browser.get(f"/ui/language/{quote(language, safe='')}"))


def command_field_names(action: str) -> list[str]:
    (entry,) = [e for e in COMMAND_TABLE if e.action == action]
    names = ["expected_version"]
    for field in form_fields(entry.schema):
        if field.kind == "lines":
            names += [
                f"{field.name}.{row}.{sub.name}" for row in range(2) for sub in field.subfields
            ]
        else:
            names.append(field.name)
    return names


@pytest.mark.parametrize("action", [e.action for e in COMMAND_TABLE])
@settings(RUN, max_examples=20)
@given(data=st.data())
def test_no_command_form_gives_a_5xx_and_a_refused_one_stores_nothing(
    action: str,
    data: st.DataObject,
    browser: httpx.Client,
    csrf: str,
    claim: dict[str, Any],
    runtime: Runtime,
) -> None:
    names = st.sampled_from(command_field_names(action)) | UNKNOWN_NAMES
    fields = data.draw(st.dictionaries(names, VALUES, max_size=8), label="form")
    claim_id = claim["claim_id"]
    version = runtime.ledger.get_claim(uuid.UUID(claim_id)).version
    response = answered(
        browser.post(
            f"/ui/claims/{claim_id}/commands/{action}", data={**fields, "csrf_token": csrf}
        )
    )
    if any(NUL in value for value in fields.values()):
        assert response.status_code != 303
    if response.status_code != 303:
        assert runtime.ledger.get_claim(uuid.UUID(claim_id)).version == version


def test_a_file_sent_to_a_console_form_is_refused(
    browser: httpx.Client, csrf: str, claim: dict[str, Any], runtime: Runtime
) -> None:
    claim_id = claim["claim_id"]
    version = runtime.ledger.get_claim(uuid.UUID(claim_id)).version
    for action in ("notes", "reveal"):
        path = f"/ui/claims/{claim_id}/" + (
            "reveal" if action == "reveal" else f"commands/{action}"
        )
        response = answered(
            browser.post(path, data={"csrf_token": csrf}, files={"text": ("a.txt", b"x")})
        )
        assert response.status_code == 422
    assert runtime.ledger.get_claim(uuid.UUID(claim_id)).version == version
    with httpx.Client(base_url=browser.base_url, timeout=60) as stranger:
        match = CSRF.search(answered(stranger.get("/ui/sign-in")).text)
        assert match
        files = {"token": ("token.txt", b"x"), "next": ("n.txt", b"/ui/sla")}
        answer = stranger.post("/ui/sign-in", data={"csrf_token": match.group(1)}, files=files)
        assert answered(answer).status_code == 401


@settings(RUN, max_examples=60)
@given(fields=st.dictionaries(st.sampled_from(["purpose"]) | UNKNOWN_NAMES, VALUES, max_size=3))
def test_no_reveal_form_gives_a_5xx_and_a_refused_one_logs_nothing(
    fields: dict[str, str],
    browser: httpx.Client,
    csrf: str,
    claim: dict[str, Any],
    user: tuple[str, str],
    runtime: Runtime,
) -> None:
    before = logged(runtime, user[0])
    response = answered(
        browser.post(f"/ui/claims/{claim['claim_id']}/reveal", data={**fields, "csrf_token": csrf})
    )
    if any(NUL in value for value in fields.values()) or set(fields) != {"purpose"}:
        assert response.status_code == 422
    if response.status_code != 200:
        assert logged(runtime, user[0]) == before


@settings(RUN, max_examples=60)
@given(
    fields=st.dictionaries(st.sampled_from(["token", "next"]) | UNKNOWN_NAMES, VALUES, max_size=3),
    real_token=st.booleans(),
)
@example(fields={"next": "/ui/\x00"}, real_token=True)
@example(fields={"next": "/ui/claims\r\nSet-Cookie: x=1"}, real_token=True)
def test_no_sign_in_form_gives_a_5xx(
    fields: dict[str, str], real_token: bool, live_url: str, user: tuple[str, str]
) -> None:
    with httpx.Client(base_url=live_url, timeout=60) as stranger:
        match = CSRF.search(answered(stranger.get("/ui/sign-in")).text)
        assert match
        form = {**fields, "csrf_token": match.group(1)}
        if real_token:
            form["token"] = user[1]
        answered(stranger.post("/ui/sign-in", data=form))


@settings(RUN, max_examples=10)
@given(fields=st.dictionaries(UNKNOWN_NAMES, VALUES, max_size=3))
def test_no_verify_or_sign_out_form_gives_a_5xx(
    fields: dict[str, str], live_url: str, user: tuple[str, str]
) -> None:
    session = signed_in(live_url, user[1])
    try:
        match = CSRF.search(answered(session.get("/ui/integrity")).text)
        assert match
        answered(
            session.post("/ui/integrity/verify", data={**fields, "csrf_token": match.group(1)})
        )
        answered(session.post("/ui/sign-out", data={**fields, "csrf_token": match.group(1)}))
    finally:
        session.close()


def test_the_run_made_a_thousand_requests_both_refused_and_accepted() -> None:
    assert len(STATUSES) >= 1000, len(STATUSES)
    assert {200, 303, 422} <= set(STATUSES), sorted(set(STATUSES))
