"""Reporting a new claim from the console: customer, items (several) and purchase proof.

The posted form is turned into the JSON ``POST /api/v1/claims`` receives and
validated by the same schema (``ClaimReport``), so it is refused for the same
reasons; each refusal is shown at its field, in the reader's language. The form
carries a random key that the ledger takes as the report's client key, so a form
sent twice (a double click, a resend after a timeout) reports one claim.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.http.deps import LedgerDep
from api.http.problems import problem_body, problem_type
from api.http.schemas.claims import ClaimReport
from api.http.validation_reasons import reasons
from api.roles import CLAIMS_REPORT
from api.ui.deps import CONSOLE_CHECKS, CheckedForm, get_translator, page_requires
from api.ui.i18n import Translator
from api.ui.pages import UiRoute, render
from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ
from domain.errors import SanbaoError
from domain.policy.document import DEFAULT_CATEGORY
from domain.vocabulary import Channel, ClaimKind, ProofOfPurchase, Remedy
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/new-claim", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Reporter = Annotated[Session, page_requires(CLAIMS_REPORT)]

TOP_FIELDS = ("claim_number", "kind", "channel", "requested_remedy", "description", "occurred_at")
CUSTOMER_FIELDS = ("name", "phone", "email", "region", "address")
ITEM_FIELDS = (
    "model", "model_name", "category", "serial_no", "batch_no", "supplier", "quantity", "price",
)  # fmt: skip
PURCHASE_FIELDS = ("purchased_on", "delivered_on", "proof", "payment_method", "order_no")
FORM_FIELDS = ("form_key", "item_rows", "add_item")
FIRST_ROWS, MAX_ROWS = 1, 20
CHOICES = {
    "kind": ("kind", [k.value for k in ClaimKind]),
    "channel": ("channel", [c.value for c in Channel]),
    "requested_remedy": ("remedy", [r.value for r in Remedy]),
    "proof": ("proof", [p.value for p in ProofOfPurchase]),
}
# Pydantic's kinds of refusal, each said in the reader's language (ctx fills the blanks).
REASON_KEYS = {
    "missing": "new_claim.error_missing",
    "string_too_short": "new_claim.error_missing",
    "too_short": "new_claim.error_no_items",
    "string_too_long": "new_claim.error_too_long",
    "too_long": "new_claim.error_too_many",
    "enum": "new_claim.error_choice",
    "decimal_parsing": "new_claim.error_number",
    "decimal_type": "new_claim.error_number",
    "int_parsing": "new_claim.error_whole_number",
    "int_type": "new_claim.error_whole_number",
    "greater_than_equal": "new_claim.error_at_least",
    "less_than_equal": "new_claim.error_at_most",
    "decimal_max_places": "new_claim.error_cents",
    "decimal_max_digits": "new_claim.error_too_large",
    "string_pattern_mismatch": "new_claim.error_claim_number",
}


def item_rows(form: dict[str, str]) -> int:
    """How many item rows the form had (one more when "add an item" was pressed)."""
    raw = form.get("item_rows", "")
    rows = int(raw) if raw.isdigit() else FIRST_ROWS
    if "add_item" in form:
        rows += 1
    return max(FIRST_ROWS, min(rows, MAX_ROWS))


def unknown_fields(form: dict[str, str]) -> list[str]:
    """The names the form cannot have (a row beyond the last one offered included)."""
    allowed = set(TOP_FIELDS) | set(FORM_FIELDS)
    allowed |= {f"customer.{name}" for name in CUSTOMER_FIELDS}
    allowed |= {f"purchase.{name}" for name in PURCHASE_FIELDS}
    allowed |= {f"items.{row}.{name}" for row in range(MAX_ROWS) for name in ITEM_FIELDS}
    return sorted(set(form) - allowed)


def report_json(form: dict[str, str], rows: int) -> dict[str, Any]:
    """The body ``POST /api/v1/claims`` would receive for this form (empty inputs left out)."""

    def given(names: tuple[str, ...], prefix: str) -> dict[str, str]:
        return {
            name: value
            for name in names
            if (value := form.get(f"{prefix}{name}", "").strip()) != ""
        }

    body: dict[str, Any] = given(TOP_FIELDS, "")
    if "occurred_at" in body and len(body["occurred_at"]) <= 19:  # datetime-local: China time
        body["occurred_at"] += "+08:00"
    body["customer"] = given(CUSTOMER_FIELDS, "customer.")
    body["items"] = [item for row in range(rows) if (item := given(ITEM_FIELDS, f"items.{row}."))]
    body["purchase"] = given(PURCHASE_FIELDS, "purchase.")
    return body


def field_reason(t: Translator, error: dict[str, Any]) -> str:
    """One of pydantic's refusals in the reader's language."""
    ctx = error.get("ctx") or {}
    key = REASON_KEYS.get(str(error.get("type", "")))
    if key is not None:
        return t(key, **{name: str(value) for name, value in ctx.items()})
    english, chinese = reasons(error)
    if t.language == "zh":
        return chinese or t("new_claim.error_invalid")
    return english


def field_errors(t: Translator, error: ValidationError) -> dict[str, str]:
    """Each refused field's reason by its form name (``items.0.price``), the first one kept."""
    errors: dict[str, str] = {}
    for entry in error.errors():
        loc = [str(part) for part in entry["loc"]]
        name = ".".join(loc) or "body"
        errors.setdefault(name, field_reason(t, dict(entry)))
    return errors


def categories(ledger: ClaimsLedger) -> list[str]:
    """The product categories of the policy in force (its default left out)."""
    today = datetime.now(BUSINESS_TZ).date()
    return sorted(c for c in ledger.policies.in_force(today).categories if c != DEFAULT_CATEGORY)


def form_page(
    request: Request,
    ledger: ClaimsLedger,
    session: Session,
    form: dict[str, str],
    rows: int,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    problem: str = "",
) -> Response:
    return render(
        request, "new_claim.html", session, status_code=status_code, values=form, rows=rows,
        errors=errors or {}, problem=problem, choices=CHOICES, categories=categories(ledger),
        customer_fields=CUSTOMER_FIELDS, item_fields=ITEM_FIELDS, purchase_fields=PURCHASE_FIELDS,
        form_key=form.get("form_key") or secrets.token_urlsafe(16),
    )  # fmt: skip


@router.get("")
def read_new_claim_form(request: Request, ledger: LedgerDep, session: Reporter) -> Response:
    """An empty form with one item row (more can be added)."""
    return form_page(request, ledger, session, {}, FIRST_ROWS)


@router.post("")
def report_claim(
    request: Request, form: CheckedForm, ledger: LedgerDep, session: Reporter
) -> Response:
    """Reports the claim as the API would and opens its page; on refusal the form, by field."""
    t = get_translator(request)
    rows = item_rows(form)
    if unknown := unknown_fields(form):
        errors = {"body": t("new_claim.error_unknown", fields=", ".join(unknown))}
        return form_page(request, ledger, session, form, rows, 422, errors)
    if "add_item" in form:  # another row; nothing is reported yet
        return form_page(request, ledger, session, form, rows)
    try:
        report = ClaimReport.model_validate(report_json(form, rows))
    except ValidationError as invalid:
        return form_page(request, ledger, session, form, rows, 422, field_errors(t, invalid))
    client_key = f"console:{form.get('form_key', '')}" if form.get("form_key") else None
    try:
        result = ledger.report(session.user.actor, client_key=client_key, **report.to_kwargs())
    except SanbaoError as refusal:
        kind = problem_type(refusal)
        body = problem_body(refusal, kind, request.url.path) if kind else {}
        zh = t.language == "zh"
        detail = (body.get("detail_zh") if zh else None) or body.get("detail") or str(refusal)
        entries = body.get("errors") or []
        errors = {}
        for entry in entries:
            field = str(entry.get("field", "body"))
            reason = (entry.get("reason_zh") if zh else None) or entry.get("reason", "")
            if zh and not entry.get("reason_zh") and len(entries) == 1:
                reason = detail.removeprefix(field).strip()  # the Chinese detail says it
            errors.setdefault(field, reason)
        status = kind.status if kind else 422
        problem = "" if errors else detail  # field errors are listed by field instead
        return form_page(request, ledger, session, form, rows, status, errors, problem)
    target = f"/ui/claims/{result.claim_id}?min_position={result.position}"
    return RedirectResponse(target, status_code=303)
