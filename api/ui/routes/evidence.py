"""The claim page's evidence: upload a file, see thumbnails, open a file (access logged).

The console uploads through the same steps as the API
(``api.service.evidence_uploads``) and reads through the same access-logged
path (``api.http.routes.evidence.read_evidence_file``): a photo or video is
logged as shown, an invoice is a reveal that names its purpose.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.http.deps import LedgerDep, ViewConnection
from api.http.http_errors import PermissionDeniedError
from api.http.problem_language import EN, ZH, in_language
from api.http.problems import problem_body, problem_type
from api.http.routes.evidence import file_response, read_evidence_file, thumbnail_of
from api.roles import allows
from api.service.evidence_uploads import upload_evidence_file
from api.ui.claim_record import claim_id_from
from api.ui.deps import CONSOLE_CHECKS, CSRF_FIELD, CsrfRefused, SessionDep, get_translator
from api.ui.pages import UiRoute
from api.ui.routes.claims import Reader, claim_page
from domain.errors import InvalidInputError, SanbaoError
from domain.evidence_files import evidence_kind

router = APIRouter(prefix="/ui/claims", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Digest = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
Purpose = Annotated[str | None, Query(max_length=50)]
FILE_ROUTE = "GET /ui/claims/{reference}/evidence/{sha256}"
THUMBNAIL_ROUTE = "GET /ui/claims/{reference}/evidence/{sha256}/thumbnail"


@router.get("/{reference}/evidence/{sha256}")
def open_evidence(
    reference: str, sha256: Digest, ledger: LedgerDep, session: Reader, purpose: Purpose = None
) -> Response:
    """An uploaded file, the access recorded first (an invoice needs a purpose)."""
    claim = ledger.get_claim(claim_id_from(reference))
    evidence, content = read_evidence_file(ledger, session.user, claim, sha256, FILE_ROUTE, purpose)
    return file_response(content, evidence.media_type, bool(evidence.sealed_for))


@router.get("/{reference}/evidence/{sha256}/thumbnail")
def evidence_thumbnail(
    reference: str, sha256: Digest, ledger: LedgerDep, session: Reader
) -> Response:
    """A photo's thumbnail (Pillow), the access recorded first; invoices show none."""
    claim = ledger.get_claim(claim_id_from(reference))
    evidence, content = read_evidence_file(
        ledger, session.user, claim, sha256, THUMBNAIL_ROUTE, None
    )
    small = thumbnail_of(content) if content and evidence.media_type.startswith("image/") else None
    if small is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    return file_response(small, "image/png", False)


@router.post("/{reference}/evidence/files")
async def upload_evidence_from_console(
    request: Request,
    reference: str,
    ledger: LedgerDep,
    conn: ViewConnection,
    session: SessionDep,
) -> Response:
    """Uploads the form's file to the claim; on refusal the page shows why at the form."""
    if not allows(session.user.role, "claims:evidence"):
        raise PermissionDeniedError(session.user.role.value, "claims:evidence")
    limit = request.app.state.runtime.settings.evidence_max_bytes
    claim_id = claim_id_from(reference)
    fields: dict[str, str] = {}
    try:
        async with request.form() as form:
            token = form.get(CSRF_FIELD)
            if not isinstance(token, str) or not session.csrf_matches(token):
                raise CsrfRefused()
            upload = form.get("file")
            for key in ("kind", "description"):
                value = form.get(key, "")
                fields[key] = value if isinstance(value, str) else ""
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidInputError("file", "a file is required", "须上传文件")
            content = await upload.read(limit + 1)
        kind = evidence_kind(fields["kind"])
        result = await run_in_threadpool(
            upload_evidence_file,
            ledger,
            claim_id,
            session.user.actor,
            content,
            kind,
            limit,
            fields["description"][:1000],
        )
    except SanbaoError as refusal:
        kind_of = problem_type(refusal)
        problem = problem_body(refusal, kind_of, request.url.path) if kind_of else {}
        zh = get_translator(request).language == "zh"
        if zh and problem.get("detail_zh") and len(problem.get("errors") or []) == 1:
            problem["errors"] = [{**problem["errors"][0], "reason_zh": problem["detail_zh"]}]
        problem = in_language(problem, ZH if zh else EN)
        failed = {
            "action": "evidence",
            "form": fields,
            "errors": problem.get("errors") or [],
            "detail": problem.get("detail", str(refusal)),
            "title": problem.get("title", ""),
        }
        status = kind_of.status if kind_of else 422
        return claim_page(request, reference, ledger, conn, session, None, status, failed)
    target = f"/ui/claims/{result.claim_id}?min_position={result.position}#evidence"
    return RedirectResponse(target, status_code=303)
