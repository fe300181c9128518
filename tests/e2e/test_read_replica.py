"""Reads on a hot standby: with ``DATABASE_READ_URL`` the view queries are answered by a
PostgreSQL standby fed by streaming replication, ``min_position`` waits for the standby's
replay, and the reads that write (a reveal's access log entry) write on the primary.

A primary and a standby (``pg_basebackup -R``) are started from the system's
PostgreSQL binaries (``tests.support.private_postgres``). The proof that the
standby answers: with its replay paused, a claim the primary's views already hold
is missing from the API's list, and a read at its position waits and answers 503;
once replay resumes, the same read answers the claim.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.roles import API_ROLES
from api.service.runtime import Runtime
from api.settings import Settings
from domain.vocabulary import Role
from tests.e2e.claims import new_claim
from tests.support.private_postgres import PrivatePostgres

pytestmark = [pytest.mark.replication, pytest.mark.slow]
Headers = dict[Role, dict[str, str]]


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[PrivatePostgres, PrivatePostgres]]:
    primary = PrivatePostgres()
    primary.start()
    try:
        standby = primary.standby()
        try:
            yield primary, standby
        finally:
            standby.remove()
    finally:
        primary.remove()


@pytest.fixture(scope="module")
def replicated(
    clusters: tuple[PrivatePostgres, PrivatePostgres], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Headers]]:
    """The service with DATABASE_URL on the primary and DATABASE_READ_URL on the standby."""
    primary, standby = clusters
    settings = Settings(
        DATABASE_URL=primary.url,  # type: ignore[call-arg]
        DATABASE_READ_URL=standby.url,
        data_dir=tmp_path_factory.mktemp("data"),
        token_cache_seconds=0,
        read_your_writes_timeout=2,
    )
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        runtime: Runtime = app.state.runtime
        assert runtime.wait_until_ready(60), "the ledger did not open"
        headers = {
            role: {"Authorization": f"Bearer {runtime.users.add(f'r.{role.value}', role)}"}
            for role in API_ROLES
        }
        yield client, headers


def serial_of(claim: dict[str, object]) -> str:
    items = claim["claim"]["items"]  # type: ignore[index]
    return str(items[0]["item"]["serial_no"])


def listed(client: TestClient, headers: dict[str, str], query: str) -> list[dict[str, object]]:
    response = client.get(f"/api/v1/claims?{query}", headers=headers)
    assert response.status_code == 200, response.text
    rows: list[dict[str, object]] = response.json()["data"]
    return rows


def in_primary_views(primary: PrivatePostgres, claim_id: str) -> bool:
    with psycopg.connect(primary.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM views.claims WHERE claim_id = %s", (claim_id,)
        ).fetchone()
    return bool(row and row[0])


def wait_until(check: Callable[[], bool], attempts: int = 200) -> None:
    for _ in range(attempts):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


def test_a_read_at_a_commands_position_sees_its_change_on_the_standby(
    replicated: tuple[TestClient, Headers],
) -> None:
    client, headers = replicated
    for _ in range(5):
        claim = new_claim(client, headers[Role.AGENT])
        serial = serial_of(claim)
        rows = listed(
            client, headers[Role.AGENT], f"serial_no={serial}&min_position={claim['position']}"
        )
        assert [(r["claim_id"], r["status"]) for r in rows] == [(claim["claim_id"], "reported")]
        withdrawn = client.post(
            f"/api/v1/claims/{claim['claim_id']}/withdraw",
            json={"reason": "客户撤回"},
            headers=headers[Role.SUPERVISOR],
        )
        assert withdrawn.status_code == 200, withdrawn.text
        position = withdrawn.json()["position"]
        rows = listed(client, headers[Role.AGENT], f"serial_no={serial}&min_position={position}")
        assert [r["status"] for r in rows] == ["withdrawn"]
        audit = client.get(
            f"/api/v1/audit?claim_id={claim['claim_id']}&min_position={position}",
            headers=headers[Role.AUDITOR],
        )
        assert audit.status_code == 200, audit.text
        assert [row["position"] for row in audit.json()["data"]][-1] == position


def test_view_reads_are_answered_by_the_standby_and_wait_for_its_replay(
    replicated: tuple[TestClient, Headers], clusters: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    client, headers = replicated
    primary, standby = clusters
    with psycopg.connect(standby.url, autocommit=True) as control:
        control.execute("SELECT pg_wal_replay_pause()")
        try:
            claim = new_claim(client, headers[Role.AGENT])
            serial = serial_of(claim)
            wait_until(lambda: in_primary_views(primary, claim["claim_id"]))
            # The primary's views hold the claim; the standby, not replaying, does not.
            assert listed(client, headers[Role.AGENT], f"serial_no={serial}") == []
            behind = client.get(
                f"/api/v1/claims?serial_no={serial}&min_position={claim['position']}",
                headers=headers[Role.AGENT],
            )
            assert behind.status_code == 503, behind.text
            assert behind.json()["type"] == "urn:sanbao:problem:views-behind"
        finally:
            control.execute("SELECT pg_wal_replay_resume()")
    rows = listed(
        client, headers[Role.AGENT], f"serial_no={serial}&min_position={claim['position']}"
    )
    assert [r["claim_id"] for r in rows] == [claim["claim_id"]]


def test_a_reveal_writes_its_access_log_entry_on_the_primary(
    replicated: tuple[TestClient, Headers], clusters: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    client, headers = replicated
    primary, _ = clusters
    claim = new_claim(client, headers[Role.AGENT])
    shown = client.get(
        f"/api/v1/claims/{claim['claim_id']}?reveal=personal&purpose=contact_customer",
        headers=headers[Role.SUPERVISOR],
    )
    assert shown.status_code == 200, shown.text
    assert shown.json()["customer"]["name"] == "刘洋"
    entries = client.get(
        f"/api/v1/access-log?claim={claim['claim_id']}", headers=headers[Role.AUDITOR]
    )
    assert entries.status_code == 200, entries.text
    revealed = [e for e in entries.json()["data"] if e["disclosure"] == "revealed"]
    assert [e["actor"] for e in revealed] == ["r.supervisor"]
    with psycopg.connect(primary.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM privacy.access_log"
            " WHERE claim_id = %s AND disclosure = 'revealed'",
            (claim["claim_id"],),
        ).fetchone()
    assert row == (1,)


def test_while_the_standby_is_down_view_reads_answer_503_readiness_says_so_and_commands_go_on(
    replicated: tuple[TestClient, Headers], clusters: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    client, headers = replicated
    _, standby = clusters
    ready = client.get("/readyz").json()
    assert (ready["status"], ready["standby"]) == ("ready", "reachable")
    standby.stop("immediate")
    try:
        down = client.get("/api/v1/claims?limit=1", headers=headers[Role.AGENT])
        assert down.status_code == 503, down.text
        assert down.json()["type"] == "urn:sanbao:problem:database-unavailable"
        assert down.headers["retry-after"]
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert (ready.json()["status"], ready.json()["standby"]) == ("degraded", "unreachable")
        # The primary is up: a command is taken at once, not refused by the breaker.
        claim = new_claim(client, headers[Role.AGENT])
    finally:
        standby.start()
    serial = serial_of(claim)
    wait_until(lambda: standby_answers(client, headers[Role.AGENT], serial, claim["position"]))
    rows = listed(
        client, headers[Role.AGENT], f"serial_no={serial}&min_position={claim['position']}"
    )
    assert [r["claim_id"] for r in rows] == [claim["claim_id"]]


def standby_answers(
    client: TestClient, headers: dict[str, str], serial: str, position: int
) -> bool:
    """True once a read at ``position`` is answered again (the pool replaced its connections)."""
    response = client.get(
        f"/api/v1/claims?serial_no={serial}&min_position={position}", headers=headers
    )
    return response.status_code == 200


def test_the_console_signs_in_on_the_primary_and_shows_a_new_claim_from_the_standby(
    replicated: tuple[TestClient, Headers], clusters: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    client, headers = replicated
    primary, _ = clusters
    claim = new_claim(client, headers[Role.AGENT])
    browser = TestClient(client.app, raise_server_exceptions=False)
    form = browser.get("/ui/sign-in")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    token = headers[Role.SUPERVISOR]["Authorization"].removeprefix("Bearer ")
    signed_in = browser.post(
        "/ui/sign-in",
        data={"csrf_token": csrf[1], "token": token, "next": "/ui/claims"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text
    with psycopg.connect(primary.url, autocommit=True) as conn:
        sessions = conn.execute(
            "SELECT count(*) FROM api.ui_sessions WHERE user_name = 'r.supervisor'"
        ).fetchone()
    assert sessions is not None and sessions[0] >= 1
    listing = browser.get(f"/ui/claims?min_position={claim['position']}")
    assert listing.status_code == 200, listing.text
    assert claim["claim"]["claim_number"] in listing.text
    page = browser.get(f"/ui/claims/{claim['claim_id']}?min_position={claim['position']}")
    assert page.status_code == 200, page.text
