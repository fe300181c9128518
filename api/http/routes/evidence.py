"""Evidence files: upload a photo, video or invoice to a claim, and read it back.

``POST /claims/{id}/evidence/files`` takes a multipart form (``file``, ``kind``,
optional ``description`` and ``occurred_at``). The media type is sniffed from
the content (``domain.evidence_files``); the bytes are stored content-addressed
(``storage.evidence_files``), an invoice sealed under the customer's key, and
the claim records ``EvidenceAttached`` with the digest, media type, size, kind,
uploader and time. ``POST /claims/{id}/evidence`` (JSON) still attaches evidence
kept elsewhere by its hash. Every file read is recorded in the access log
before it is sent; an invoice is personal data and is shown, like a reveal,
only to roles that read personal data and for a named purpose.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Annotated, Any

import structlog
from fastapi import Path, Query, Request, Response
from PIL import Image, UnidentifiedImageError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.http import presenters
from api.http.claim_refs import ClaimRef, naming
from api.http.deps import LedgerDep, requires
from api.http.http_errors import PermissionDeniedError
from api.http.routes import api_router
from api.http.schemas.claims import ClaimChange
from api.roles import PERSONAL_READ, allows
from api.service.evidence_uploads import upload_evidence_file
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import InvalidInputError
from domain.evidence_files import evidence_kind
from domain.reveal_purposes import reveal_purpose
from domain.values import Evidence
from storage.access_log import record_access
from storage.evidence_files import EvidenceFiles
from storage.idempotency import PERSONAL_DATA_HEADER
from storage.recorder import datastore_of
from storage.users import User

router = api_router(prefix="/claims", tags=["evidence"])
FORM_FIELDS = frozenset({"file", "kind", "description", "occurred_at"})
Digest = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
THUMBNAIL_PIXELS = 240
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "additionalProperties": False,
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": ["photo", "video", "invoice"]},
                        "description": {"type": "string", "maxLength": 1000},
                        "occurred_at": {"type": "string", "format": "date-time"},
                    },
                }
            }
        },
    }
}


def evidence_files(ledger: ClaimsLedger) -> EvidenceFiles:
    return EvidenceFiles(datastore_of(ledger))


def _text(form: Any, name: str, limit: int) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise InvalidInputError(name, "must be text, not a file", "须为文本，不能是文件")
    if len(value) > limit:
        raise InvalidInputError(name, f"at most {limit} characters", f"最多 {limit} 个字符")
    return value


def _occurred_at(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            "occurred_at", "must be a date and time with a zone", "须为带时区的日期时间"
        ) from None


@router.post(
    "/{claim_id}/evidence/files",
    response_model=ClaimChange,
    openapi_extra=UPLOAD_BODY,
    summary="Upload a photo, video or invoice to a claim",
    description="Needs the permission `claims:evidence`.",
)
async def upload_evidence(
    claim_id: ClaimRef,
    request: Request,
    ledger: LedgerDep,
    user: Annotated[User, requires("claims:evidence")],
) -> Response:
    """Stores the file and records it on the claim; a refused upload stores nothing."""
    limit = request.app.state.runtime.settings.evidence_max_bytes
    async with request.form() as form:  # closes the spooled upload when done
        unknown = sorted(set(form.keys()) - FORM_FIELDS)
        if unknown:
            raise InvalidInputError(unknown[0], "is not a field of this form", "不是此表单的字段")
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInputError("file", "a file is required", "须上传文件")
        kind = evidence_kind(_text(form, "kind", 20))
        description = _text(form, "description", 1000)
        occurred_at = _occurred_at(_text(form, "occurred_at", 64))
        content = await upload.read(limit + 1)
    with naming(claim_id) as found:
        result = await run_in_threadpool(
            upload_evidence_file,
            ledger,
            found,
            user.actor,
            content,
            kind,
            limit,
            description,
            occurred_at,
        )
    return presenters.change_response(result)


def _stored_evidence(claim: Claim, sha256: str) -> Evidence:
    for evidence in claim.evidence:
        if evidence.sha256 == sha256 and evidence.stored:
            return evidence
    raise InvalidInputError(
        "sha256",
        f"no file with this digest was uploaded to claim {claim.claim_number}",
        f"案件 {claim.claim_number} 没有上传此摘要的文件",
    )


def read_evidence_file(
    ledger: ClaimsLedger,
    user: User,
    claim: Claim,
    sha256: str,
    route: str,
    purpose: str | None,
) -> tuple[Evidence, bytes | None]:
    """The file and its bytes (None once shredded), the access recorded before it is sent."""
    evidence = _stored_evidence(claim, sha256)
    personal = bool(evidence.sealed_for)
    if personal and not allows(user.role, PERSONAL_READ):
        raise PermissionDeniedError(user.role.value, PERSONAL_READ)
    shown_for = reveal_purpose(purpose).value if personal else None
    key = ledger.customer_keys.key_of(evidence.sealed_for) if personal else None
    content = evidence_files(ledger).read(sha256, evidence.sealed_for, key)
    if content is None:
        return evidence, None
    record_access(
        datastore_of(ledger),
        user.name,
        user.role.value,
        claim.id,
        ["evidence"],
        route,
        disclosure="revealed" if personal else "masked",
        customer_id=getattr(claim.customer, "customer_id", "") or None,
        request_id=structlog.contextvars.get_contextvars().get("request_id"),
        purpose=shown_for,
    )
    return evidence, content


def thumbnail_of(content: bytes) -> bytes | None:
    """A small PNG of an image (Pillow); None for what is not an image Pillow reads."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            image.convert("RGB").save(out, "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def file_response(content: bytes | None, media_type: str, personal: bool) -> Response:
    if content is None:
        return Response(status_code=410, content=b"", headers={"Cache-Control": "no-store"})
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if personal:
        headers[PERSONAL_DATA_HEADER] = "revealed"
    return Response(content=content, media_type=media_type, headers=headers)


Purpose = Annotated[
    str | None,
    Query(max_length=50, description="why an invoice (personal data) is shown; required for one"),
]


@router.get("/{claim_id}/evidence/{sha256}", response_class=Response)
def download_evidence(
    claim_id: ClaimRef,
    sha256: Digest,
    ledger: LedgerDep,
    user: Annotated[User, requires("claims:read")],
    purpose: Purpose = None,
) -> Response:
    """Read an uploaded file (access logged; an invoice needs `personal:read` and a purpose).

    410 when the file was shredded with its customer's key.
    """
    with naming(claim_id) as found:
        claim = ledger.get_claim(found)
    route = "GET /api/v1/claims/{claim_id}/evidence/{sha256}"
    evidence, content = read_evidence_file(ledger, user, claim, sha256, route, purpose)
    return file_response(content, evidence.media_type, bool(evidence.sealed_for))


@router.get("/{claim_id}/evidence/{sha256}/thumbnail", response_class=Response)
def evidence_thumbnail(
    claim_id: ClaimRef,
    sha256: Digest,
    ledger: LedgerDep,
    user: Annotated[User, requires("claims:read")],
    purpose: Purpose = None,
) -> Response:
    """A thumbnail (PNG, at most 240 px) of an uploaded image; 404 for a video or PDF."""
    with naming(claim_id) as found:
        claim = ledger.get_claim(found)
    route = "GET /api/v1/claims/{claim_id}/evidence/{sha256}/thumbnail"
    evidence, content = read_evidence_file(ledger, user, claim, sha256, route, purpose)
    if content is not None and not evidence.media_type.startswith("image/"):
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    small = thumbnail_of(content) if content is not None else None
    if content is not None and small is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    return file_response(small, "image/png", bool(evidence.sealed_for))
