"""The ledger's integrity over HTTP: verify, claim proofs checked offline, audit exports, roles."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.http.spreadsheets import XLSX_MEDIA_TYPE
from api.roles import AUDIT_EXPORT, LEDGER_VERIFY, PERMISSIONS
from api.service.runtime import Runtime
from domain.integrity.checkpoints import public_key_from_b64
from domain.integrity.head import parse_head
from domain.integrity.proof import ProofError, verify_proof
from domain.vocabulary import Role
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres

OVERSEERS = [Role.AUDITOR, Role.SUPERVISOR]
OTHERS = [role for role in Role if role not in OVERSEERS and role is not Role.SYSTEM]


@pytest.fixture(scope="module")
def claim(client: TestClient, as_role: dict[Role, dict[str, str]], runtime: Runtime) -> Any:
    """A claim with two events, visible in the views."""
    body = new_claim(client, as_role[Role.AGENT])
    note = client.post(
        f"/api/v1/claims/{body['claim_id']}/notes",
        json={"text": "customer called back"},
        headers=as_role[Role.AGENT],
    )
    assert note.status_code == 200, note.text
    runtime.wait_for_views(note.json()["position"])
    return body


@pytest.mark.parametrize("role", OVERSEERS)
def test_auditors_and_supervisors_see_the_ledger_intact(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: Any, role: Role
) -> None:
    answer = client.get("/api/v1/ledger/verify", headers=as_role[role])
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["intact"] and report["fault"] is None
    assert report["last_good"] >= claim["position"]
    assert report["summary"].startswith(f"intact up to position {report['last_good']}")


def test_a_range_is_verified_on_its_own(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: Any
) -> None:
    answer = client.get(
        f"/api/v1/ledger/verify?from=1&to={claim['position']}", headers=as_role[Role.AUDITOR]
    )
    assert answer.status_code == 200
    assert answer.json()["to_position"] == claim["position"]


def test_a_range_that_ends_before_it_starts_is_refused(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.get("/api/v1/ledger/verify?from=9&to=3", headers=as_role[Role.AUDITOR])
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "to"


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ledger/verify",
        "/api/v1/ledger/status",
        "/api/v1/ledger/head",
        "/api/v1/claims/{id}/proof",
        "/api/v1/audit/export",
    ],
)
def test_other_roles_may_not_verify_prove_or_export(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: Any, role: Role, path: str
) -> None:
    answer = client.get(path.format(id=claim["claim_id"]), headers=as_role[role])
    assert answer.status_code == 403
    assert answer.json()["permission"] in (LEDGER_VERIFY, AUDIT_EXPORT)
    assert LEDGER_VERIFY not in PERMISSIONS[role]


def test_the_signed_head_covers_the_latest_command_and_parses_as_a_head_file(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    reported = new_claim(client, as_role[Role.AGENT])
    answer = client.get("/api/v1/ledger/head", headers=as_role[Role.AUDITOR])
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["position"] >= reported["position"]
    signed = parse_head(json.dumps(document))  # what `sanbao verify --expect-head` reads
    assert signed.signed_by(public_key_from_b64(document["public_key"]))
    assert signed.body.seq == document["seq"]


def test_a_claim_proof_from_the_api_holds_with_the_published_key_and_not_once_edited(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: Any
) -> None:
    proof = client.get(f"/api/v1/claims/{claim['claim_id']}/proof", headers=as_role[Role.AUDITOR])
    assert proof.status_code == 200, proof.text
    key = client.get("/api/v1/ledger/public-key", headers=as_role[Role.AUDITOR]).json()
    public_key = public_key_from_b64(key["public_key"])
    document = proof.json()
    result = verify_proof(document, public_key)
    assert result.versions == 2 and str(result.claim_id) == claim["claim_id"]
    document["events"][1]["state"] = document["events"][0]["state"]
    with pytest.raises(ProofError):
        verify_proof(document, public_key)


def test_the_proof_of_an_unknown_claim_is_404(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.get(
        "/api/v1/claims/00000000-0000-4000-8000-000000000000/proof",
        headers=as_role[Role.SUPERVISOR],
    )
    assert answer.status_code == 404


def test_an_ndjson_export_opens_with_the_head_and_checkpoint_and_closes_with_the_count(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: Any
) -> None:
    client.get(f"/api/v1/claims/{claim['claim_id']}/proof", headers=as_role[Role.AUDITOR])
    answer = client.get(
        f"/api/v1/audit/export?format=ndjson&claim={claim['claim_number']}",
        headers=as_role[Role.AUDITOR],
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in answer.text.splitlines()]
    header, events, trailer = lines[0], lines[1:-1], lines[-1]
    assert header["type"] == "header" and header["head_position"] >= claim["position"]
    assert header["head_hash"] == answer.headers["X-Ledger-Head-Hash"]
    assert header["checkpoint_seq"] is not None and header["checkpoint_signature"]
    assert header["filters"] == {"claim_number": claim["claim_number"]}
    assert [e["event_type"] for e in events] == ["Reported", "NoteAdded"]
    assert trailer == {"type": "trailer", "rows": 2}


def test_a_csv_export_is_one_clean_table_with_its_head_in_the_headers(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: Any
) -> None:
    answer = client.get(
        f"/api/v1/audit/export?format=csv&claim={claim['claim_number']}",
        headers=as_role[Role.SUPERVISOR],
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbfposition,")  # a BOM: Excel reads UTF-8
    text = answer.content.decode("utf-8-sig")
    assert not any(line.startswith("#") for line in text.splitlines())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["event_type"] for row in rows] == ["Reported", "NoteAdded"]
    assert json.loads(rows[0]["payload"])["customer"] == {"region": "广东"}
    assert answer.headers["X-Export-Rows"] == "2"
    assert int(answer.headers["X-Ledger-Head-Position"]) >= claim["position"]
    assert answer.headers["X-Ledger-Head-Hash"]


def test_an_xlsx_export_holds_the_rows_and_where_it_was_cut(
    client: TestClient, as_role: dict[Role, dict[str, str]], claim: Any
) -> None:
    answer = client.get(
        f"/api/v1/audit/export?format=xlsx&claim={claim['claim_number']}",
        headers=as_role[Role.SUPERVISOR],
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX_MEDIA_TYPE
    workbook = load_workbook(io.BytesIO(answer.content), read_only=True)
    audit = list(workbook["audit"].iter_rows(values_only=True))
    assert audit[0][:5] == ("position", "claim_id", "claim_number", "version", "event_type")
    assert [row[4] for row in audit[1:]] == ["Reported", "NoteAdded"]
    cut_at = dict(workbook["export"].iter_rows(min_row=2, values_only=True))
    assert cut_at["head_hash"] == answer.headers["X-Ledger-Head-Hash"]
    assert cut_at["rows"] == "2" and cut_at["format"] == "sanbao-audit-export/1"


def test_an_export_with_a_naive_time_is_refused(
    client: TestClient, as_role: dict[Role, dict[str, str]]
) -> None:
    answer = client.get(
        "/api/v1/audit/export?recorded_from=2026-11-01T00:00:00", headers=as_role[Role.AUDITOR]
    )
    assert answer.status_code == 422
