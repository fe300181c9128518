"""The claims list and the claim page, with the commands the user may run from it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from api.command_table import BY_ACTION
from api.http.claim_refs import naming
from api.http.deps import LedgerDep, ViewConnection
from api.http.disclosure import RevealRequest, disclose_customer, mark_response
from api.http.http_errors import PermissionDeniedError
from api.http.problem_language import in_language
from api.http.problems import problem_body, problem_type
from api.roles import PERSONAL_READ, allows
from api.ui import presenters
from api.ui.actions import offers
from api.ui.claim_record import claim_id_from, read_claim_record
from api.ui.deps import CONSOLE_CHECKS, CheckedForm, get_translator, page_requires
from api.ui.filters import FIELDS, PAGE_SIZES, list_query
from api.ui.forms import FormErrors, form_fields, parse_form
from api.ui.pages import UiRoute, render
from api.ui.solution_hints import suggested_faults
from domain.claim import ClaimStatus
from domain.errors import InvalidInputError, SanbaoError
from domain.numerals import ascii_number
from domain.reveal_purposes import CODES
from domain.vocabulary import ClaimKind, Priority, ProblemCategory
from projections.claims.claims_queries import list_claims
from projections.sla.sla_queries import DUE_SOON, clocks_for_claim
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/claims", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
# How the access log names the console's disclosures.
PAGE_ROUTE = "GET /ui/claims/{reference}"
REVEAL_ROUTE = "POST /ui/claims/{reference}/reveal"
FILTER_CHOICES = {
    "status": ("status", [s.value for s in ClaimStatus]),
    "kind": ("kind", [k.value for k in ClaimKind]),
    "problem_category": ("problem", [p.value for p in ProblemCategory]),
    "priority": ("priority", [p.value for p in Priority]),
}
Reader = Annotated[Session, page_requires("claims:read")]


# The list page parses its own query (``list_query``): these are its parameters.
LIST_PARAMETERS = [{"name": name, "in": "query"} for name in (*FIELDS, "limit", "cursor")]


@router.get("", openapi_extra={"parameters": LIST_PARAMETERS})
def read_claims_page(request: Request, conn: ViewConnection, session: Reader) -> Response:
    """The claims list: the filters of GET /claims, SLA badges, keyset pages."""
    now = datetime.now(UTC)
    try:
        query = list_query(request.query_params)
    except FormErrors as invalid:
        values = dict(request.query_params.items())
        return render(
            request, "claims.html", session, status_code=422, errors=invalid.errors,
            values=values, rows=[], next_url=None, choices=FILTER_CHOICES,
            page_sizes=PAGE_SIZES, limit=PAGE_SIZES[0], first_url=None,
        )  # fmt: skip
    page = list_claims(conn, query.filters.to_filters(), query.cursor, query.limit)
    rows = [(row, presenters.sla_badge(row, now, DUE_SOON)) for row in page.rows]
    return render(
        request, "claims.html", session, errors=[], values=query.values, rows=rows,
        next_url=query.url(page.next_cursor) if page.next_cursor else None,
        first_url=query.url() if query.cursor else None,
        choices=FILTER_CHOICES, page_sizes=PAGE_SIZES, limit=query.limit,
    )  # fmt: skip


@router.get("/{reference}")
def read_claim_page(
    request: Request,
    reference: str,
    ledger: LedgerDep,
    conn: ViewConnection,
    session: Reader,
    version: Annotated[int | None, Query(ge=1, le=2**31)] = None,
) -> Response:
    """One claim: header, items, customer, SLA clocks, timeline, and the commands."""
    return claim_page(request, reference, ledger, conn, session, version)


def claim_page(
    request: Request,
    reference: str,
    ledger: Any,
    conn: Any,
    session: Session,
    version: int | None = None,
    status_code: int = 200,
    failed: dict[str, Any] | None = None,
    reveal: RevealRequest | None = None,
) -> Response:
    """The claim page; its customer masked (or revealed), logged as the API logs it."""
    with naming(reference) as claim_id:  # a refusal names the reference as typed
        record = read_claim_record(ledger, claim_id, version)
    role = session.user.role
    route = REVEAL_ROUTE if reveal is not None else PAGE_ROUTE
    customer = disclose_customer(ledger, session.user, record.claim, route, reveal=reveal)
    show_timeline = allows(role, "history:read")
    clocks = clocks_for_claim(conn, claim_id) if record.is_current else []
    actions = []
    if record.is_current:
        for offer in offers(ledger, record.claim, session.user.actor):
            actions.append((offer, form_fields(offer.entry.schema)))
    response = render(
        request, "claim.html", session, status_code=status_code,
        record=record, claim=record.claim, clocks=clocks, actions=actions,
        show_timeline=show_timeline, failed=failed or {},
        customer=customer, may_reveal=allows(role, PERSONAL_READ), purposes=CODES,
        faults=suggested_faults(record.claim),
        here_full=f"/ui/claims/{claim_id}" + (f"?version={version}" if version else ""),
    )  # fmt: skip
    mark_response(response, customer)  # never cached, never kept for a replay
    return response


@router.post("/{reference}/reveal")
def reveal_claim_customer(
    request: Request,
    reference: str,
    form: CheckedForm,
    ledger: LedgerDep,
    conn: ViewConnection,
    session: Reader,
    version: Annotated[int | None, Query(ge=1, le=2**31)] = None,
) -> Response:
    """The claim page with its customer's personal data in clear, recorded in the access log
    with the purpose the form names (422 page without one, 429 beyond the hourly limit)."""
    if not allows(session.user.role, PERSONAL_READ):
        raise PermissionDeniedError(session.user.role.value, PERSONAL_READ)
    if set(form) - {"purpose"}:
        raise InvalidInputError(
            "body", "the reveal form has only the field purpose", "查看表单只有“用途”一个字段"
        )
    limit = request.app.state.runtime.settings.reveal_limit_per_hour
    asked = RevealRequest(form.get("purpose"), limit)
    return claim_page(request, reference, ledger, conn, session, version, reveal=asked)


def form_version(raw: str | None) -> int | None:
    """The claim version a command form was drawn at; none means any."""
    version = ascii_number(raw)
    if raw and version is None:
        raise InvalidInputError("expected_version", "must be a claim version such as 7")
    return version


@router.post("/{reference}/commands/{action}")
def run_claim_command(
    request: Request,
    reference: str,
    action: str,
    form: CheckedForm,
    ledger: LedgerDep,
    conn: ViewConnection,
    session: Reader,
) -> Response:
    """Runs one command from its form, as the API would; on refusal the page shows why."""
    entry = BY_ACTION.get(action)
    if entry is None:
        return claim_page(request, reference, ledger, conn, session, status_code=404)
    if not allows(session.user.role, entry.permission):
        raise PermissionDeniedError(session.user.role.value, entry.permission)
    claim_id = claim_id_from(reference)
    try:
        expected = form_version(form.get("expected_version"))
        body = parse_form(entry.schema, form)
        result = entry.run(ledger, claim_id, session.user.actor, body, expected)
    except FormErrors as invalid:
        detail = get_translator(request)("reason.count", n=len(invalid.errors))
        failed = {"action": action, "form": form, "errors": invalid.errors, "detail": detail}
        return claim_page(request, reference, ledger, conn, session, None, 422, failed)
    except SanbaoError as refusal:
        kind = problem_type(refusal)
        problem = problem_body(refusal, kind, request.url.path) if kind else {}
        problem = in_language(problem, get_translator(request).language)
        failed = {
            "action": action,
            "form": form,
            "errors": problem.get("errors") or [],
            "detail": problem.get("detail", str(refusal)),
            "title": problem.get("title", ""),
        }
        status = kind.status if kind else 422
        return claim_page(request, reference, ledger, conn, session, None, status, failed)
    target = f"/ui/claims/{result.claim_id}?min_position={result.position}#v{result.version}"
    return RedirectResponse(target, status_code=303)
