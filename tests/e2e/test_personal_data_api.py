"""Personal data over HTTP: masked, revealed or withheld by role, every disclosure logged;
erasure for supervisors; the access log for supervisors and auditors."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from storage.idempotency import (
    PERSONAL_DATA_HEADER,
    IdempotencyStore,
    KeyedRequest,
    StoredResponse,
)
from storage.recorder import datastore_of
from tests.e2e.claims import report_body
from tests.integration.personal_data_support import tables_holding

pytestmark = pytest.mark.postgres
Headers = dict[Role, dict[str, str]]
FIELDS = ("name", "phone", "email", "address")


def unique_customer() -> dict[str, str]:
    token = uuid.uuid4().hex[:8]
    return {
        "name": f"隐私{token}",
        "phone": f"139{int(token, 16) % 10**8:08d}",
        "email": f"private.{token}@example.com",
        "address": f"杭州市西湖区{token}路",
        "region": "浙江",
        "customer_id": f"crm-{token}",
    }


def report(
    client: TestClient,
    as_role: Headers,
    customer: dict[str, str],
    body: dict[str, Any] | None = None,
    **headers: str,
) -> Any:
    body = {**(body or report_body()), "customer": customer}
    response = client.post("/api/v1/claims", json=body, headers={**as_role[Role.AGENT], **headers})
    assert response.status_code == 201, response.text
    return response


def access_rows(client: TestClient, as_role: Headers, **query: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/access-log", params=query, headers=as_role[Role.AUDITOR])
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["data"]
    return rows


@pytest.fixture
def customer() -> dict[str, str]:
    return unique_customer()


@pytest.fixture
def claim_id(client: TestClient, as_role: Headers, customer: dict[str, str]) -> str:
    return str(report(client, as_role, customer).json()["claim_id"])


@pytest.fixture
def service_log(capsys: pytest.CaptureFixture[str]) -> Callable[[], list[str]]:
    """The log lines the service has written to stderr since the test began."""
    lines: list[str] = []

    def written() -> list[str]:
        lines.extend(capsys.readouterr().err.splitlines())
        return lines

    return written


@pytest.mark.parametrize("role", [Role.AGENT, Role.SPECIALIST, Role.SUPERVISOR])
def test_staff_who_talk_to_customers_see_them_masked_and_the_read_is_logged(
    client: TestClient, as_role: Headers, customer: dict[str, str], claim_id: str, role: Role
) -> None:
    response = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[role])
    assert response.status_code == 200
    shown = response.json()["customer"]
    assert shown["personal_data"] == "masked"
    assert shown["name"] == customer["name"][0] + "*" * (len(customer["name"]) - 1)
    assert shown["phone"] == "*******" + customer["phone"][-4:]
    assert shown["region"] == "浙江" and shown["customer_id"] == customer["customer_id"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Personal-Data"] == "masked"
    (row,) = access_rows(client, as_role, claim=claim_id)
    assert (row["actor"], row["role"], row["disclosure"]) == (
        f"e2e.{role.value}",
        role.value,
        "masked",
    )
    assert row["fields"] == list(FIELDS)
    assert (
        row["route"] == "GET /api/v1/claims/{claim_id}"
        and row["customer_id"] == customer["customer_id"]
    )


def test_reveal_shows_the_plaintext_and_is_logged_as_revealed(
    client: TestClient, as_role: Headers, customer: dict[str, str], claim_id: str
) -> None:
    response = client.get(
        f"/api/v1/claims/{claim_id}",
        params={"reveal": "personal", "purpose": "contact_customer"},
        headers=as_role[Role.SUPERVISOR],
    )
    assert response.status_code == 200
    shown = response.json()["customer"]
    assert {f: shown[f] for f in FIELDS} == {f: customer[f] for f in FIELDS}
    assert shown["personal_data"] == "revealed"
    (row,) = access_rows(client, as_role, claim=claim_id)
    assert (row["actor"], row["disclosure"]) == ("e2e.supervisor", "revealed")


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.WAREHOUSE, Role.AUDITOR])
def test_other_roles_see_the_region_only_and_nothing_is_logged(
    client: TestClient, as_role: Headers, claim_id: str, role: Role
) -> None:
    response = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[role])
    assert response.status_code == 200
    shown = response.json()["customer"]
    assert shown["personal_data"] == "withheld" and shown["region"] == "浙江"
    assert [shown[f] for f in FIELDS] == [None] * 4
    assert access_rows(client, as_role, claim=claim_id) == []


def test_a_role_without_personal_data_cannot_reveal_it(
    client: TestClient, as_role: Headers, claim_id: str
) -> None:
    response = client.get(
        f"/api/v1/claims/{claim_id}",
        params={"reveal": "personal", "purpose": "contact_customer"},
        headers=as_role[Role.AUDITOR],
    )
    assert response.status_code == 403
    assert response.json()["permission"] == "personal:read"
    assert access_rows(client, as_role, claim=claim_id) == []


def test_the_report_answer_and_its_idempotent_replay_hold_no_personal_data(
    client: TestClient, as_role: Headers, customer: dict[str, str], api_database_url: str
) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = report_body()
    first = report(client, as_role, customer, body, **key)
    replayed = report(client, as_role, customer, body, **key)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    for answer in (first, replayed):
        shown = answer.json()["claim"]["customer"]
        assert shown["personal_data"] == "withheld" and shown["name"] is None
        assert customer["phone"] not in answer.text
    with psycopg.connect(api_database_url) as conn:
        for field in FIELDS:
            assert tables_holding(conn, customer[field]) == [], field


def test_an_answer_carrying_personal_data_is_never_kept_for_replays(runtime: Runtime) -> None:
    store = IdempotencyStore(datastore_of(runtime.ledger), 1.0, 60.0)
    key, digest = uuid.uuid4().hex, "d" * 64
    keyed = store.begin("e2e.supervisor", key, digest)
    assert isinstance(keyed, KeyedRequest)
    headers = {"content-type": "application/json", PERSONAL_DATA_HEADER: "revealed"}
    store.finish(keyed.ticket, StoredResponse(200, headers, b'{"name": "plain"}'))
    # Forgotten, not stored: the retry runs (and is logged) again.
    assert isinstance(store.begin("e2e.supervisor", key, digest), KeyedRequest)


def test_history_shows_the_customer_as_id_and_region(
    client: TestClient, as_role: Headers, customer: dict[str, str], claim_id: str
) -> None:
    response = client.get(f"/api/v1/claims/{claim_id}/history", headers=as_role[Role.SUPERVISOR])
    reported = response.json()["data"][0]["data"]
    assert reported["customer"] == {"customer_id": customer["customer_id"], "region": "浙江"}


def test_only_supervisors_erase(
    client: TestClient, as_role: Headers, customer: dict[str, str], claim_id: str
) -> None:
    for role in (Role.AGENT, Role.SPECIALIST, Role.AUDITOR):
        response = client.post(
            f"/api/v1/customers/{customer['customer_id']}/erase", headers=as_role[role]
        )
        assert response.status_code == 403
        assert response.json()["permission"] == "customers:erase"


def test_after_erasure_the_claim_reads_with_its_personal_fields_erased(
    client: TestClient,
    as_role: Headers,
    customer: dict[str, str],
    claim_id: str,
    api_database_url: str,
    service_log: Callable[[], list[str]],
) -> None:
    client.get(
        f"/api/v1/claims/{claim_id}",
        params={"reveal": "personal", "purpose": "contact_customer"},
        headers=as_role[Role.AGENT],
    )
    erased = client.post(
        f"/api/v1/customers/{customer['customer_id']}/erase", headers=as_role[Role.SUPERVISOR]
    )
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["newly_erased"] and body["erased_by"] == "e2e.supervisor"
    assert [c["claim_id"] for c in body["claims"]] == [claim_id]
    position = body["claims"][0]["position"]

    response = client.get(
        f"/api/v1/claims/{claim_id}",
        params={"reveal": "personal", "purpose": "contact_customer"},  # from the ledger itself
        headers=as_role[Role.SUPERVISOR],
    )
    assert response.status_code == 200
    shown = response.json()["customer"]
    assert shown["personal_data"] == "erased" and [shown[f] for f in FIELDS] == [None] * 4
    assert shown["region"] == "浙江"
    history = client.get(f"/api/v1/claims/{claim_id}/history", headers=as_role[Role.AUDITOR])
    last = history.json()["data"][-1]
    assert (last["event_type"], last["actor"]) == ("PersonalDataErased", "e2e.supervisor")
    # The views still list the claim, with its region, at the erasure's position.
    listed = client.get(
        "/api/v1/claims",
        params={"region": "浙江", "min_position": position, "limit": 200},
        headers=as_role[Role.SUPERVISOR],
    )
    assert claim_id in {row["claim_id"] for row in listed.json()["data"]}
    # Only the read before the erasure is in the access log.
    assert [r["disclosure"] for r in access_rows(client, as_role, claim=claim_id)] == ["revealed"]
    with psycopg.connect(api_database_url) as conn:
        for field in FIELDS:
            assert tables_holding(conn, customer[field]) == [], field
    log_lines = service_log()
    requests = [json.loads(line) for line in log_lines if '"event": "request"' in line]
    assert len(requests) >= 5, "the service's request lines were not captured"
    for field in FIELDS:
        assert not [line for line in log_lines if customer[field] in line], field


def test_erasing_twice_changes_nothing(
    client: TestClient, as_role: Headers, customer: dict[str, str], claim_id: str
) -> None:
    path = f"/api/v1/customers/{customer['customer_id']}/erase"
    first = client.post(path, headers=as_role[Role.SUPERVISOR]).json()
    again = client.post(path, headers=as_role[Role.SUPERVISOR])
    assert again.status_code == 200
    assert not again.json()["newly_erased"]
    assert again.json()["erased_at"] == first["erased_at"]
    assert again.json()["claims"][0]["position"] is None


def test_erasing_an_unknown_customer_is_a_404_problem(client: TestClient, as_role: Headers) -> None:
    response = client.post("/api/v1/customers/nobody-here/erase", headers=as_role[Role.SUPERVISOR])
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:sanbao:problem:customer-not-found"


def test_a_new_claim_for_an_erased_customer_is_refused(
    client: TestClient, as_role: Headers, customer: dict[str, str], claim_id: str
) -> None:
    client.post(
        f"/api/v1/customers/{customer['customer_id']}/erase", headers=as_role[Role.SUPERVISOR]
    )
    body = {**report_body(), "customer": customer}
    response = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 409
    assert response.json()["type"] == "urn:sanbao:problem:customer-erased"


def test_the_access_log_is_for_supervisors_and_auditors(
    client: TestClient, as_role: Headers
) -> None:
    for role in Role:
        if role is Role.SYSTEM:
            continue
        response = client.get("/api/v1/access-log", headers=as_role[role])
        expected = 200 if role in (Role.SUPERVISOR, Role.AUDITOR) else 403
        assert response.status_code == expected, role


def test_the_access_log_filters_by_actor_and_period_and_pages_newest_first(
    client: TestClient, as_role: Headers, claim_id: str
) -> None:
    for _ in range(3):
        client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.SPECIALIST])
    client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.AGENT])
    mine = access_rows(client, as_role, claim=claim_id, actor="e2e.specialist")
    assert len(mine) == 3 and [r["id"] for r in mine] == sorted(
        (r["id"] for r in mine), reverse=True
    )
    page = client.get(
        "/api/v1/access-log",
        params={"claim": claim_id, "limit": 2},
        headers=as_role[Role.SUPERVISOR],
    ).json()
    rest = client.get(
        "/api/v1/access-log",
        params={"claim": claim_id, "cursor": page["next_cursor"]},
        headers=as_role[Role.SUPERVISOR],
    ).json()
    assert [r["id"] for r in page["data"] + rest["data"]] == [
        r["id"] for r in access_rows(client, as_role, claim=claim_id)
    ]
    assert len(page["data"] + rest["data"]) == 4 and rest["next_cursor"] is None
    newest = page["data"][0]["accessed_at"]
    assert (
        access_rows(client, as_role, claim=claim_id, **{"from": newest})[0]["actor"] == "e2e.agent"
    )
    assert len(access_rows(client, as_role, claim=claim_id, to=newest)) == 3


def test_a_naive_period_bound_is_refused(client: TestClient, as_role: Headers) -> None:
    response = client.get(
        "/api/v1/access-log", params={"from": "2026-11-01T00:00:00"}, headers=as_role[Role.AUDITOR]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"
