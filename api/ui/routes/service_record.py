"""A claim's printable 三包 service record: the items, each decision with its rule, the
repairs, the costs, and room for the customer's and the service's signatures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.http.claim_refs import naming
from api.http.deps import LedgerDep
from api.http.disclosure import disclose_customer, mark_response
from api.roles import LEDGER_VERIFY, allows
from api.ui.claim_record import read_claim_record
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, render
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/claims", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Reader = Annotated[Session, page_requires("claims:read")]
# How the access log names the record's (masked) display of the customer.
RECORD_ROUTE = "GET /ui/claims/{reference}/service-record"


@router.get("/{reference}/service-record")
def read_service_record(
    request: Request, reference: str, ledger: LedgerDep, session: Reader
) -> Response:
    """The record as printed for the customer's file (print stylesheet: no navigation)."""
    with naming(reference) as claim_id:
        record = read_claim_record(ledger, claim_id)
    claim = record.claim
    customer = disclose_customer(ledger, session.user, claim, RECORD_ROUTE)
    response = render(
        request, "service_record.html", session, claim=claim, customer=customer,
        printed_at=datetime.now(UTC), may_prove=allows(session.user.role, LEDGER_VERIFY),
    )  # fmt: skip
    mark_response(response, customer)
    return response
