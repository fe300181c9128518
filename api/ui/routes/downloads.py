"""Downloads behind the console session: the audit export (CSV, XLSX) and a claim's proof.

They are the API's own answers (``GET /api/v1/audit/export``, ``GET
/api/v1/claims/{id}/proof``) under the console's session and the same
permissions, so a supervisor or auditor needs no token to take them away.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.encoders import jsonable_encoder

from api.http.claim_refs import naming
from api.http.deps import LedgerDep
from api.http.http_errors import PermissionDeniedError
from api.http.routes.audit import export_audit_trail
from api.http.routes.ledger import get_integrity
from api.roles import AUDIT_EXPORT, LEDGER_VERIFY, allows
from api.service.ledger_integrity import LedgerIntegrity
from api.ui.deps import CONSOLE_CHECKS, SessionDep, get_translator, page_requires
from api.ui.pages import UiRoute, render
from domain.claim import BUSINESS_TZ
from domain.errors import ClaimNotFoundError, InvalidInputError
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/downloads", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Exporter = Annotated[Session, page_requires(AUDIT_EXPORT)]
Verifier = Annotated[Session, page_requires(LEDGER_VERIFY)]
Integrity = Annotated[LedgerIntegrity, Depends(get_integrity)]
FORMATS = ("csv", "xlsx")
Text = Annotated[str, Query(max_length=100)]
FIRST_DAY = date(2000, 1, 1)  # the API's window for a time a query asks about


def downloads_page(
    request: Request,
    session: Session,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    role = session.user.role
    return render(
        request, "downloads.html", session, status_code=status_code, errors=errors or {},
        values=values or {}, formats=FORMATS, may_export=allows(role, AUDIT_EXPORT),
        may_prove=allows(role, LEDGER_VERIFY),
    )  # fmt: skip


@router.get("")
def read_downloads_page(request: Request, session: SessionDep) -> Response:
    """The downloads the user may take: the audit export, a claim's proof."""
    role = session.user.role
    if not (allows(role, AUDIT_EXPORT) or allows(role, LEDGER_VERIFY)):
        raise PermissionDeniedError(role.value, AUDIT_EXPORT)
    return downloads_page(request, session)


def day(raw: str) -> date | None:
    """The day typed (YYYY-MM-DD), within the API's window for a query's time; ValueError if not."""
    if not raw:
        return None
    given = date.fromisoformat(raw)
    if not FIRST_DAY <= given <= datetime.now(BUSINESS_TZ).date() + timedelta(days=1):
        raise ValueError(raw)
    return given


@router.get("/audit-export")
def download_audit_export(
    request: Request,
    integrity: Integrity,
    ledger: LedgerDep,
    session: Exporter,
    format: Annotated[str, Query(max_length=10)] = "csv",
    claim: Text = "",
    actor: Text = "",
    start: Annotated[str, Query(alias="from", max_length=20)] = "",
    end: Annotated[str, Query(alias="to", max_length=20)] = "",
) -> Response:
    """The audit trail as the API exports it (CSV or XLSX), by claim, user and days."""
    t = get_translator(request)
    errors: dict[str, str] = {}
    if format not in FORMATS:
        errors["format"] = t("downloads.error_format")
    bounds: dict[str, datetime | None] = {}
    for field, raw in (("from", start.strip()), ("to", end.strip())):
        try:
            given = day(raw)
        except ValueError:
            errors[field] = t("downloads.error_day")
            continue
        if given is not None and field == "to":
            given += timedelta(days=1)  # the whole last day
        bounds[field] = None if given is None else datetime.combine(given, time(), BUSINESS_TZ)
    reference = claim.strip() or None
    if reference is not None:
        try:
            with naming(reference) as claim_id:
                ledger.get_claim(claim_id)
        except (ClaimNotFoundError, InvalidInputError):
            errors["claim"] = t("downloads.error_claim", claim=reference)
    if errors:
        values = {"claim": claim, "actor": actor, "from": start, "to": end, "format": format}
        return downloads_page(request, session, 422, errors, values)
    response = export_audit_trail(
        integrity, ledger, session.user, format=format,  # type: ignore[arg-type]
        claim=reference, actor=actor.strip() or None,
        recorded_from=bounds.get("from"), recorded_to=bounds.get("to"),
    )  # fmt: skip
    if format == "csv":
        position = response.headers.get("X-Ledger-Head-Position", "0")
        name = f"sanbao-audit-{position}.csv"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/proof")
def download_claim_proof(
    request: Request, integrity: Integrity, ledger: LedgerDep, session: Verifier, claim: Text = ""
) -> Response:
    """The claim's proof (its events, hashes and signed checkpoints) as a JSON file to keep
    and check offline with `sanbao verify-proof`."""
    reference = claim.strip()
    try:
        with naming(reference) as claim_id:
            number = ledger.get_claim(claim_id).claim_number
    except (ClaimNotFoundError, InvalidInputError):
        t = get_translator(request)
        error = t("downloads.error_claim", claim=reference)
        if not reference:
            error = t("downloads.error_no_claim")
        values = {"proof_claim": claim}
        return downloads_page(request, session, 422, {"proof_claim": error}, values)
    proof = jsonable_encoder(integrity.proof(claim_id))  # as the API answers it
    body = json.dumps(proof, ensure_ascii=False, indent=2)
    return Response(
        body.encode(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="sanbao-proof-{number}.json"',
            "Cache-Control": "no-store",
        },
    )
