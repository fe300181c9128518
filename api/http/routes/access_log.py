"""The access log: who was shown which claim's personal data, for supervisors and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.http.claim_refs import ClaimRefQuery, existing_claim_id
from api.http.deps import LedgerConnection, LedgerDep, requires
from api.http.routes import api_router
from api.http.schemas.customers import AccessLogPublic
from api.http.schemas.times import QueryTime
from api.roles import ACCESS_LOG_READ
from domain.errors import InvalidInputError
from domain.numerals import ascii_number
from storage.access_log import MAX_LIMIT, search_access_log
from storage.users import User

router = api_router(prefix="/access-log", tags=["access log"])


@router.get("")
def read_access_log(
    conn: LedgerConnection,
    ledger: LedgerDep,
    _: Annotated[User, requires(ACCESS_LOG_READ)],
    claim: ClaimRefQuery = None,
    actor: Annotated[str | None, Query(max_length=100, description="only this user")] = None,
    accessed_from: Annotated[QueryTime | None, Query(alias="from")] = None,
    accessed_to: Annotated[QueryTime | None, Query(alias="to")] = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> AccessLogPublic:
    """Search the access log by claim, user and period (``from`` ≤ time < ``to``), newest first."""
    before_id = ascii_number(cursor)
    if cursor is not None and before_id is None:
        raise InvalidInputError("cursor", "pass back the next_cursor of the previous page")
    rows = search_access_log(
        conn,
        claim_id=None if claim is None else existing_claim_id(ledger, claim),
        actor=actor,
        accessed_from=accessed_from,
        accessed_to=accessed_to,
        before_id=before_id,
        limit=limit,
    )
    following = str(rows[-1].id) if len(rows) == limit else None
    return AccessLogPublic(data=rows, count=len(rows), next_cursor=following)
