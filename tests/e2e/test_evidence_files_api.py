"""Over HTTP: evidence files uploaded to a claim, sniffed, stored by digest, read back logged.

A photo is stored in clear and shown with a thumbnail; an invoice is sealed
under the customer's key, shown only for a purpose, and shredded with the key
when the customer is erased. A file whose content is not what its kind accepts
(whatever its name says) is refused at the ``file`` field and nothing is stored.
"""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.service.runtime import Runtime
from domain.vocabulary import Role
from storage.evidence_files import EvidenceFiles
from storage.recorder import datastore_of
from tests.e2e.claims import new_claim

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def png(width: int = 800, height: int = 600, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def upload(
    client: TestClient,
    headers: dict[str, str],
    claim_id: str,
    content: bytes,
    name: str = "damage.png",
    **fields: str,
) -> Any:
    return client.post(
        f"/api/v1/claims/{claim_id}/evidence/files",
        files={"file": (name, content, "application/octet-stream")},
        data={"kind": "photo", **fields},
        headers=headers,
    )


def evidence_of(client: TestClient, as_role: Headers, claim_id: str) -> list[dict[str, Any]]:
    claim = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.SUPERVISOR]).json()
    found: list[dict[str, Any]] = claim["evidence"]
    return found


def stored_row(api_database_url: str, sha256: str) -> tuple[str, bytes] | None:
    with psycopg.connect(api_database_url) as conn:
        row = conn.execute(
            "SELECT sealed_for, content FROM evidence.files WHERE sha256 = %s", (sha256,)
        ).fetchone()
    return None if row is None else (row[0], bytes(row[1]))


def test_a_photo_is_recorded_with_its_digest_sniffed_type_size_and_uploader(
    client: TestClient, as_role: Headers, api_database_url: str
) -> None:
    claim_id = new_claim(client, as_role[Role.AGENT])["claim_id"]
    photo = png()
    uploaded = upload(client, as_role[Role.TECHNICIAN], claim_id, photo, "破损.jpg")
    assert uploaded.status_code == 200, uploaded.text
    [evidence] = evidence_of(client, as_role, claim_id)
    assert evidence["sha256"] == hashlib.sha256(photo).hexdigest()
    assert evidence["media_type"] == "image/png"  # the content's type, not the name's
    assert (evidence["size"], evidence["kind"]) == (len(photo), "photo")
    assert evidence["uploaded_by"] == "e2e.technician" and evidence["uploaded_at"]
    assert evidence["sealed_for"] == ""
    assert stored_row(api_database_url, evidence["sha256"]) == ("", photo)

    url = f"/api/v1/claims/{claim_id}/evidence/{evidence['sha256']}"
    read = client.get(url, headers=as_role[Role.WAREHOUSE])
    assert read.status_code == 200 and read.content == photo
    assert read.headers["content-type"] == "image/png"
    thumb = client.get(f"{url}/thumbnail", headers=as_role[Role.AGENT])
    assert thumb.status_code == 200, thumb.text
    with Image.open(io.BytesIO(thumb.content)) as small:
        assert max(small.size) <= 240 and small.size[0] > small.size[1]
    log = client.get(f"/api/v1/access-log?claim={claim_id}", headers=as_role[Role.SUPERVISOR])
    rows = log.json()["data"]
    assert {(r["actor"], tuple(r["fields"])) for r in rows} >= {
        ("e2e.warehouse", ("evidence",)),
        ("e2e.agent", ("evidence",)),
    }


def test_the_same_file_is_stored_once(
    client: TestClient, as_role: Headers, api_database_url: str
) -> None:
    photo = png(colour="blue")
    for _ in range(2):
        claim_id = new_claim(client, as_role[Role.AGENT])["claim_id"]
        assert upload(client, as_role[Role.AGENT], claim_id, photo).status_code == 200
    with psycopg.connect(api_database_url) as conn:
        count = conn.execute(
            "SELECT count(*) FROM evidence.files WHERE sha256 = %s",
            (hashlib.sha256(photo).hexdigest(),),
        ).fetchone()
    assert count == (1,)


@pytest.mark.parametrize(
    ("content", "fields", "field"),
    [
        (b"#!/bin/sh\nrm -rf /\n", {}, "file"),  # named .png, but a script
        (PDF, {}, "file"),  # a PDF is not a photo
        (b"", {}, "file"),
        (png(colour="#010101"), {"kind": "selfie"}, "kind"),
        (png(colour="#020202"), {"colour": "red"}, "colour"),  # unknown fields are refused
        (png(colour="#030303"), {"occurred_at": "yesterday"}, "occurred_at"),
    ],
)
def test_a_bad_upload_is_refused_at_its_field_and_stores_nothing(
    client: TestClient,
    as_role: Headers,
    api_database_url: str,
    content: bytes,
    fields: dict[str, str],
    field: str,
) -> None:
    reported = new_claim(client, as_role[Role.AGENT])
    refused = upload(client, as_role[Role.AGENT], reported["claim_id"], content, **fields)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert field in refused.text and refused.json().get("detail_zh")
    claim = client.get(f"/api/v1/claims/{reported['claim_id']}", headers=as_role[Role.AGENT])
    assert claim.json()["version"] == reported["version"] and claim.json()["evidence"] == []
    assert stored_row(api_database_url, hashlib.sha256(content).hexdigest()) is None


def test_an_upload_to_a_closed_claim_is_refused_and_leaves_no_file(
    client: TestClient, as_role: Headers, api_database_url: str
) -> None:
    claim_id = new_claim(client, as_role[Role.AGENT])["claim_id"]
    withdrawn = client.post(
        f"/api/v1/claims/{claim_id}/withdraw",
        json={"reason": "客户撤回"},
        headers=as_role[Role.SUPERVISOR],
    )
    assert withdrawn.status_code == 200, withdrawn.text
    photo = png(colour="green")
    refused = upload(client, as_role[Role.SUPERVISOR], claim_id, photo)
    assert refused.status_code == 409, refused.text
    assert stored_row(api_database_url, hashlib.sha256(photo).hexdigest()) is None


def test_an_invoice_is_sealed_shown_for_a_purpose_and_shredded_with_the_customer(
    client: TestClient, as_role: Headers, api_database_url: str, runtime: Runtime
) -> None:
    reported = new_claim(client, as_role[Role.AGENT])
    claim_id = reported["claim_id"]
    invoice = PDF + b"% invoice for " + claim_id.encode() + b"\n"
    uploaded = upload(client, as_role[Role.AGENT], claim_id, invoice, "fp.pdf", kind="invoice")
    assert uploaded.status_code == 200, uploaded.text
    [evidence] = evidence_of(client, as_role, claim_id)
    customer_id = evidence["sealed_for"]
    assert customer_id and evidence["media_type"] == "application/pdf"
    sealed = stored_row(api_database_url, evidence["sha256"])
    assert sealed is not None and sealed[0] == customer_id and invoice not in sealed[1]

    url = f"/api/v1/claims/{claim_id}/evidence/{evidence['sha256']}"
    assert client.get(url, headers=as_role[Role.AGENT]).status_code == 422  # no purpose
    assert client.get(url, headers=as_role[Role.TECHNICIAN]).status_code == 403
    shown = client.get(f"{url}?purpose=process_refund", headers=as_role[Role.AGENT])
    assert shown.status_code == 200 and shown.content == invoice

    files = EvidenceFiles(datastore_of(runtime.ledger))
    assert files.verify(runtime.ledger.customer_keys.key_of).intact

    erased = client.post(f"/api/v1/customers/{customer_id}/erase", headers=as_role[Role.SUPERVISOR])
    assert erased.status_code == 200, erased.text
    gone = client.get(f"{url}?purpose=process_refund", headers=as_role[Role.AGENT])
    assert gone.status_code == 410
    assert stored_row(api_database_url, evidence["sha256"]) is None


def test_verification_finds_a_stored_file_that_no_longer_matches_its_digest(
    client: TestClient, as_role: Headers, api_database_url: str, runtime: Runtime
) -> None:
    claim_id = new_claim(client, as_role[Role.AGENT])["claim_id"]
    photo = png(colour="yellow")
    assert upload(client, as_role[Role.AGENT], claim_id, photo).status_code == 200
    sha256 = hashlib.sha256(photo).hexdigest()
    files = EvidenceFiles(datastore_of(runtime.ledger))
    key_of = runtime.ledger.customer_keys.key_of
    assert sha256 not in files.verify(key_of).damaged
    with psycopg.connect(api_database_url) as conn:
        conn.execute(
            "UPDATE evidence.files SET content = content || '\\x00'::bytea WHERE sha256 = %s",
            (sha256,),
        )
    try:
        check = files.verify(key_of)
        assert sha256 in check.damaged and not check.intact
    finally:
        with psycopg.connect(api_database_url) as conn:
            conn.execute(
                "UPDATE evidence.files SET content = %s WHERE sha256 = %s", (photo, sha256)
            )


def test_an_upload_may_be_larger_than_a_json_body_but_not_than_the_evidence_limit(
    client: TestClient, as_role: Headers, runtime: Runtime
) -> None:
    settings = runtime.settings
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    photo = out.getvalue()
    assert settings.max_body_bytes < len(photo) < settings.evidence_max_bytes
    claim_id = new_claim(client, as_role[Role.AGENT])["claim_id"]
    assert upload(client, as_role[Role.AGENT], claim_id, photo).status_code == 200
    too_large = client.post(
        f"/api/v1/claims/{claim_id}/notes",
        content=b"{" + b" " * len(photo) + b"}",
        headers={**as_role[Role.AGENT], "Content-Type": "application/json"},
    )
    assert too_large.status_code == 413  # other routes keep the JSON body limit
