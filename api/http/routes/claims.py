"""Claims: report one, list them from the view, read one from the ledger, its history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response, status

from api.http import presenters
from api.http.claim_refs import ClaimRef, naming
from api.http.claims_sheet import XLSX_MAX_CLAIMS, claims_sheet
from api.http.deps import LedgerDep, ViewConnection, requires
from api.http.disclosure import (
    RevealRequest,
    disclose_customer,
    mark_response,
    withheld_customer,
)
from api.http.fast_paths import json_answer, run_blocking
from api.http.recorded_results import run_once
from api.http.routes import api_router
from api.http.schemas.claims import (
    ClaimPublic,
    ClaimReport,
    ClaimReported,
    ClaimsPublic,
    HistoryPublic,
)
from api.http.schemas.filters import ClaimFilterParams
from api.http.schemas.times import QueryTime
from api.http.spreadsheets import XLSX_MEDIA_TYPE, xlsx_response
from api.roles import CLAIMS_REPORT
from domain.application import ClaimsLedger
from domain.errors import InvalidInputError
from domain.reveal_purposes import RevealPurpose
from projections.claims.claims_queries import list_claims, matching_claims
from storage.users import User

router = api_router(prefix="/claims", tags=["claims"])
READ_CLAIM_ROUTE = "GET /api/v1/claims/{claim_id}"


@router.post("", status_code=status.HTTP_201_CREATED)
def create_claim(
    body: ClaimReport,
    ledger: LedgerDep,
    user: Annotated[User, requires(CLAIMS_REPORT)],
    response: Response,
) -> ClaimReported:
    """Report a claim (the answer withholds the customer's personal data; GET shows it)."""
    result = run_once(ClaimsLedger.report, ledger, user.actor, **body.to_kwargs())
    claim = ledger.get_claim(result.claim_id, version=result.version)
    presenters.change_headers(response, result)
    # Replayed answers are stored (Idempotency-Key): they must not hold personal data.
    public = presenters.claim_public(claim, withheld_customer(claim))
    return ClaimReported(**presenters.change_fields(result), claim=public)


@router.get(
    "",
    response_model=ClaimsPublic,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "a page, or a workbook"}},
)
def read_claims(
    conn: ViewConnection,
    filters: Annotated[ClaimFilterParams, Depends()],
    _: Annotated[User, requires("claims:read")],
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    format: Annotated[
        Literal["json", "xlsx"],
        Query(description="xlsx: every matching claim (up to 50,000) as a workbook"),
    ] = "json",
) -> ClaimsPublic | Response:
    """List claims from the claims view, newest first, a keyset page at a time (or all of them
    as an XLSX workbook)."""
    if format == "xlsx":
        if cursor is not None:
            raise InvalidInputError("cursor", "a workbook holds every matching claim: no cursor")
        rows = matching_claims(conn, filters.to_filters(), XLSX_MAX_CLAIMS)
        return xlsx_response([claims_sheet(rows)], "sanbao-claims.xlsx")
    page = list_claims(conn, filters.to_filters(), cursor, limit)
    return ClaimsPublic(data=page.rows, count=len(page.rows), next_cursor=page.next_cursor)


@router.get("/{claim_id}", response_model=ClaimPublic)
async def read_claim(
    request: Request,
    claim_id: ClaimRef,
    ledger: LedgerDep,
    user: Annotated[User, requires("claims:read")],
    version: Annotated[
        int | None, Query(ge=1, le=2**31, description="the state at this version")
    ] = None,
    as_of: Annotated[
        QueryTime | None,
        Query(
            description="the state as the ledger had recorded it at this time (recorded "
            "time, when events were stored, not when their facts happened)"
        ),
    ] = None,
    as_of_business: Annotated[
        QueryTime | None,
        Query(
            description="the state as of this business time: the facts that had occurred "
            "by then (their occurred_at), whenever they were recorded"
        ),
    ] = None,
    reveal: Annotated[
        Literal["personal"] | None,
        Query(description="show the customer's personal data unmasked (logged)"),
    ] = None,
    purpose: Annotated[
        RevealPurpose | None,
        Query(
            description="why the reveal is needed, stored in the access log; required with "
            "`reveal=personal`, refused without it"
        ),
    ] = None,
) -> Response:
    """Read a claim's current state from the ledger, or its state at a version or time.

    ``version``, ``as_of`` (recorded time) and ``as_of_business`` (business time)
    exclude each other (422); a version the claim does not have yet, or a time
    before its first fact, answers 404.

    The customer's name, phone, email and address are masked for agents, specialists
    and supervisors (``reveal=personal`` shows them), withheld from the other roles;
    every answer carrying them is recorded in the access log first. A reveal names its
    ``purpose``; each user may reveal ``SANBAO_REVEAL_LIMIT_PER_HOUR`` times an hour
    (429 ``reveal-limit`` with Retry-After beyond it).
    """
    asked = None
    if reveal:
        limit = request.app.state.runtime.settings.reveal_limit_per_hour
        asked = RevealRequest(purpose.value if purpose else None, limit)
    elif purpose is not None:
        raise InvalidInputError(
            "purpose",
            "names the purpose of a reveal: give reveal=personal",
            "purpose 是查看个人信息的用途：须与 reveal=personal 一同提供",
        )
    return await run_blocking(
        claim_answer, ledger, user, claim_id, version, as_of, as_of_business, asked
    )


def claim_answer(
    ledger: ClaimsLedger,
    user: User,
    reference: str,
    version: int | None,
    as_of: datetime | None,
    as_of_business: datetime | None,
    reveal: RevealRequest | None,
) -> Response:
    """The claim as ``user`` may see it, serialised once, with its ETag."""
    with naming(reference) as claim_id:
        claim = ledger.get_claim_at(claim_id, version, as_of, as_of_business)
    customer = disclose_customer(ledger, user, claim, READ_CLAIM_ROUTE, reveal=reveal)
    response = json_answer(presenters.claim_public(claim, customer))
    response.headers["ETag"] = presenters.etag(claim.version)
    mark_response(response, customer)
    return response


@router.get("/{claim_id}/history")
def read_claim_history(
    claim_id: ClaimRef,
    ledger: LedgerDep,
    _: Annotated[User, requires("history:read")],
) -> HistoryPublic:
    """Read a claim's events in order, with actor and both times."""
    with naming(claim_id) as found:
        entries = [presenters.history_entry(entry) for entry in ledger.history(found)]
    return HistoryPublic(claim_id=found, data=entries, count=len(entries))
