"""Ledger integrity: the chain head, the last signed checkpoint and the last verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from api.http.deps import LedgerConnection
from api.http.routes.ledger import get_integrity
from api.roles import AUDIT_EXPORT, LEDGER_VERIFY, allows
from api.service.ledger_integrity import LedgerIntegrity
from api.ui.deps import CONSOLE_CHECKS, CheckedForm, page_requires
from api.ui.pages import UiRoute, render
from storage.console_sessions import Session
from storage.integrity_status import latest_integrity_status
from storage.verification_history import recent_verifications

router = APIRouter(prefix="/ui/integrity", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Verifier = Annotated[Session, page_requires(LEDGER_VERIFY)]


@router.get("")
def read_integrity_page(
    request: Request,
    conn: LedgerConnection,
    session: Verifier,
    integrity: Annotated[LedgerIntegrity, Depends(get_integrity)],
) -> Response:
    """What `GET /api/v1/ledger/status` answers, as a page, with the public key auditors
    check signatures with, the past verifications and the downloads (export, proof)."""
    return render(
        request, "integrity.html", session, status=latest_integrity_status(conn),
        history=recent_verifications(conn), public_key=integrity.public_key(),
        may_export=allows(session.user.role, AUDIT_EXPORT),
    )  # fmt: skip


@router.post("/verify")
def verify_ledger_now(
    _: CheckedForm,
    __: Verifier,
    integrity: Annotated[LedgerIntegrity, Depends(get_integrity)],
) -> Response:
    """Runs a whole verification (as `GET /api/v1/ledger/verify` does); the page shows it."""
    integrity.verify()
    return RedirectResponse("/ui/integrity#last-verification", status_code=303)
