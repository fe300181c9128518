"""The access log, for supervisors and auditors: who was shown which claim's personal data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.http.claim_refs import existing_claim_id
from api.http.deps import LedgerConnection, LedgerDep
from api.roles import ACCESS_LOG_READ
from api.ui.deps import CONSOLE_CHECKS, get_translator, page_requires
from api.ui.i18n import Translator
from api.ui.pages import UiRoute, render
from domain.claim import BUSINESS_TZ
from domain.errors import ClaimNotFoundError, InvalidInputError
from domain.numerals import ascii_number
from projections.claims.claim_numbers_of import claim_numbers_of
from storage.access_log import search_access_log
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/access-log", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Overseer = Annotated[Session, page_requires(ACCESS_LOG_READ)]
PAGE_SIZE = 100
FIRST_DAY = date(2000, 1, 1)  # the API's window for a time a query asks about
MAX_ID = 2**63 - 1
Text = Annotated[str, Query(max_length=100)]


def day_start(t: Translator, raw: str, field: str, errors: dict[str, str]) -> datetime | None:
    """00:00 China time of the day typed (YYYY-MM-DD); None when empty, an error when not a day."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[field] = t("access_log.error_day")
        return None
    if not FIRST_DAY <= day <= datetime.now(BUSINESS_TZ).date() + timedelta(days=1):
        errors[field] = t("access_log.error_day")
        return None
    return datetime.combine(day, time(), BUSINESS_TZ)


@router.get("")
def read_access_log_page(
    request: Request,
    conn: LedgerConnection,
    ledger: LedgerDep,
    session: Overseer,
    claim: Text = "",
    actor: Text = "",
    start: Annotated[str, Query(alias="from", max_length=20)] = "",
    end: Annotated[str, Query(alias="to", max_length=20)] = "",
    cursor: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Newest first, a hundred a page; by claim number, user and days (from ≤ day ≤ to)."""
    t = get_translator(request)
    errors: dict[str, str] = {}
    accessed_from = day_start(t, start.strip(), "from", errors)
    accessed_to = day_start(t, end.strip(), "to", errors)
    if accessed_to is not None:
        accessed_to += timedelta(days=1)  # the whole last day
    before_id = ascii_number(cursor) if cursor else None
    if cursor and (before_id is None or before_id > MAX_ID):
        raise InvalidInputError("cursor", "pass back the cursor of the page's next link")
    claim_id = None
    if claim.strip():
        try:
            claim_id = existing_claim_id(ledger, claim.strip())
        except (ClaimNotFoundError, InvalidInputError):
            errors["claim"] = t("access_log.error_claim", claim=claim.strip())
    values = {"claim": claim, "actor": actor, "from": start, "to": end}
    if errors:
        return render(
            request, "access_log.html", session, status_code=422, rows=[], errors=errors,
            values=values, next_url=None,
        )  # fmt: skip
    rows = search_access_log(
        conn, claim_id=claim_id, actor=actor.strip() or None, accessed_from=accessed_from,
        accessed_to=accessed_to, before_id=before_id, limit=PAGE_SIZE,
    )  # fmt: skip
    numbers = claim_numbers_of(conn, (row.claim_id for row in rows))
    next_url = None
    if len(rows) == PAGE_SIZE:
        query = request.url.include_query_params(cursor=str(rows[-1].id))
        next_url = f"{query.path}?{query.query}"
    return render(
        request, "access_log.html", session, rows=rows, errors=errors, values=values,
        next_url=next_url, numbers=numbers,
    )  # fmt: skip
