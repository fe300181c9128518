"""The one table that turns errors into HTTP answers: ``application/problem+json`` (RFC 9457).

Each error class has a status, a stable ``type`` URI and a title. The most specific
class in an error's MRO wins, so ``ClaimClosedError`` answers as itself and an
unlisted ``LifecycleError`` subclass as a lifecycle refusal. The ``detail`` is the
error's own message, which names what was refused and why and never carries
personal data; stack traces are never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

from api.http import http_errors as api
from api.http.time_problems import time_problem
from domain import errors as domain
from domain import stock, units
from domain.integrity.faults import LedgerIntegrityError, NothingSignedError
from storage import idempotency
from storage.webhooks import WebhookNotFoundError

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:sanbao:problem:"
RETRY_AFTER_SECONDS = 2


@dataclass(frozen=True)
class ProblemType:
    status: int
    slug: str
    title: str

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.slug


PROBLEMS: dict[type[BaseException], ProblemType] = {
    domain.InvalidInputError: ProblemType(422, "invalid-input", "A value breaks a domain rule"),
    domain.ClaimNotFoundError: ProblemType(404, "claim-not-found", "No such claim"),
    domain.TimeOrderError: ProblemType(
        422, "time-order", "A fact may not precede the claim's previous fact"
    ),
    domain.OutOfWindowError: ProblemType(422, "out-of-window", "A date lies outside its window"),
    domain.ExclusiveParametersError: ProblemType(
        422, "exclusive-parameters", "Parameters that exclude each other"
    ),
    domain.RefundOffDecisionError: ProblemType(
        422, "refund-off-decision", "The refund differs from the 三包 decision"
    ),
    domain.QuoteOffDecisionError: ProblemType(
        422, "quote-off-decision", "The quote differs from the price the 三包 decision fixes"
    ),
    domain.VersionNotFoundError: ProblemType(404, "version-not-found", "No such claim version"),
    domain.ItemNotFoundError: ProblemType(422, "item-not-found", "The claim has no such item"),
    domain.LifecycleError: ProblemType(409, "lifecycle", "Not possible in the claim's state"),
    domain.ClaimClosedError: ProblemType(409, "claim-closed", "The claim is closed"),
    domain.QuoteRequiredError: ProblemType(409, "quote-required", "A quote must be accepted"),
    domain.ConfirmationRequiredError: ProblemType(
        409, "confirmation-required", "The customer's confirmation is required"
    ),
    domain.OverrideNotPermittedError: ProblemType(
        403, "override-not-permitted", "Only a supervisor may override"
    ),
    domain.AlreadyEscalatedError: ProblemType(409, "already-escalated", "Already escalated"),
    domain.PolicyError: ProblemType(422, "policy", "The 三包 policy cannot answer"),
    domain.UnknownPolicyVersionError: ProblemType(
        404, "policy-version-not-found", "No such policy version"
    ),
    domain.UnknownCategoryError: ProblemType(
        422, "unknown-category", "The policy has no rules for the category"
    ),
    domain.RemedyNotAllowedError: ProblemType(
        422, "remedy-not-allowed", "The remedy is not open under the decision"
    ),
    domain.ConcurrencyConflictError: ProblemType(409, "conflict", "A concurrent change won"),
    domain.StaleVersionError: ProblemType(412, "stale-version", "The claim changed meanwhile"),
    domain.DuplicateClaimError: ProblemType(
        409, "duplicate-claim", "The claim number is taken by another report"
    ),
    domain.CalendarDataError: ProblemType(422, "calendar-data", "No calendar data for the date"),
    units.UnitNotFoundError: ProblemType(
        404, "unit-not-found", "No claim or registration names the unit"
    ),
    units.UnitAlreadyRegisteredError: ProblemType(
        409, "unit-already-registered", "The unit is registered with other facts"
    ),
    stock.StockItemNotFoundError: ProblemType(
        404, "stock-item-not-found", "No stock of the SKU was received in the warehouse"
    ),
    stock.OutOfStockError: ProblemType(422, "out-of-stock", "Too few units are in stock"),
    stock.NothingReservedError: ProblemType(
        409, "nothing-reserved", "No replacement unit is reserved for the item"
    ),
    domain.PositionBeyondHeadError: ProblemType(
        422, "position-beyond-head", "The ledger has no such position yet"
    ),
    domain.RequestTooLargeError: ProblemType(
        413, "body-too-large", "The request body is too large"
    ),
    domain.AlreadyErasedError: ProblemType(409, "already-erased", "Already erased"),
    domain.CustomerNotFoundError: ProblemType(404, "customer-not-found", "No such customer"),
    domain.CustomerErasedError: ProblemType(
        409, "customer-erased", "The customer's personal data was erased"
    ),
    domain.SealedDataError: ProblemType(500, "sealed-data", "Personal data cannot be opened"),
    domain.RevealLimitError: ProblemType(
        429, "reveal-limit", "Too many reveals of personal data in the past hour"
    ),
    LedgerIntegrityError: ProblemType(409, "ledger-not-intact", "The ledger is not intact"),
    NothingSignedError: ProblemType(404, "nothing-signed", "The ledger has no signed head yet"),
    domain.SanbaoError: ProblemType(422, "domain", "Refused by the domain"),
    api.NotAuthenticatedError: ProblemType(401, "not-authenticated", "Authentication required"),
    api.PermissionDeniedError: ProblemType(403, "permission-denied", "Permission denied"),
    api.UnknownParametersError: ProblemType(
        422, "unknown-parameter", "The route has no such query parameter"
    ),
    idempotency.IdempotencyKeyReusedError: ProblemType(
        422, "idempotency-key-reused", "Idempotency-Key reused with another request"
    ),
    idempotency.IdempotencyInProgressError: ProblemType(
        409, "idempotency-in-progress", "The first request with this key is still running"
    ),
    idempotency.IdempotencyKeyTooLongError: ProblemType(
        400, "idempotency-key-too-long", "The Idempotency-Key is too long"
    ),
    idempotency.AlreadyRecordedError: ProblemType(
        409, "idempotency-recorded", "The first request with this key recorded its events"
    ),
    WebhookNotFoundError: ProblemType(404, "webhook-not-found", "No such webhook subscription"),
    api.ViewsBehindError: ProblemType(503, "views-behind", "The views are not up to date yet"),
    api.TooManyWaitersError: ProblemType(
        503, "too-many-waiters", "Too many requests wait for the views"
    ),
    api.DatabaseUnavailableError: ProblemType(
        503, "database-unavailable", "The database is unavailable"
    ),
    OperationalError: ProblemType(503, "database-unavailable", "The database is unavailable"),
    InterfaceError: ProblemType(503, "database-unavailable", "The database is unavailable"),
    psycopg.OperationalError: ProblemType(
        503, "database-unavailable", "The database is unavailable"
    ),
}
VALIDATION = ProblemType(422, "validation", "The request is not valid")
INTERNAL = ProblemType(500, "internal", "Internal error")
UNSUPPORTED_MEDIA_TYPE = ProblemType(415, "unsupported-media-type", "The body must be JSON")
UNAVAILABLE_DETAIL = "the database cannot be reached; retry shortly"


def problem_type(error: BaseException) -> ProblemType | None:
    """The table's entry for the most specific class of the error, if any."""
    for cls in type(error).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return None


def problem_body(error: BaseException, kind: ProblemType, instance: str) -> dict[str, Any]:
    """The problem document for a known error, with the fields its class adds."""
    detail = UNAVAILABLE_DETAIL if kind.slug == "database-unavailable" else str(error)
    body: dict[str, Any] = {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "instance": instance,
    }
    body.update(extensions(error))
    return body


def extensions(error: BaseException) -> dict[str, Any]:
    """The machine-readable members of a problem: action and state, fields, versions."""
    if isinstance(error, domain.SanbaoError) and (members := time_problem(error)) is not None:
        return members
    if isinstance(error, domain.PositionBeyondHeadError):
        found = {"field": error.field, "reason": error.reason}
        return {"errors": [found], "position": error.position, "head": error.head, **chinese(error)}
    if isinstance(error, domain.RequestTooLargeError):
        found = {"field": "body", "reason": str(error)}
        return {"errors": [found], "limit": error.limit, **chinese(error)}
    if isinstance(error, stock.StockItemNotFoundError):
        return {"warehouse": error.warehouse, "sku": error.sku, **chinese(error)}
    if isinstance(error, stock.OutOfStockError):
        found = {"field": error.field, "reason": error.reason}
        stocked = {"sku": error.sku, "wanted": error.wanted, "available": error.available}
        return {"errors": [found], **stocked, **chinese(error)}
    if isinstance(error, domain.LifecycleError):
        found = {"action": error.action, "state": error.state, "reason": error.reason}
        return {**found, **chinese(error)}
    if isinstance(error, domain.RefundOffDecisionError):
        found = {"field": error.field, "reason": error.reason, "expected": error.expected}
        return {"errors": [found], "rule": error.rule, **chinese(error)}
    if isinstance(error, domain.OverrideNotPermittedError):
        return {"errors": [{"field": "override_reason", "reason": str(error)}], **chinese(error)}
    if isinstance(error, domain.InvalidInputError):
        return {"errors": [{"field": error.field, "reason": error.reason}], **chinese(error)}
    if isinstance(error, domain.RevealLimitError):
        return {"limit": error.limit, "retry_after": error.retry_after, **chinese(error)}
    if isinstance(error, units.UnitAlreadyRegisteredError):
        found = {"field": error.field, "reason": str(error)}
        return {"errors": [found], "recorded": error.recorded, **chinese(error)}
    if isinstance(error, units.UnitNotFoundError):
        return {"serial_no": error.serial_no, **chinese(error)}
    if isinstance(error, domain.UnknownCategoryError):
        return unknown_category(error)
    if isinstance(error, domain.ItemNotFoundError):
        return {"errors": [{"field": "item_no", "reason": str(error)}]}
    if isinstance(error, domain.StaleVersionError):
        return {"current_version": error.current, "expected_version": error.expected}
    if isinstance(error, idempotency.IdempotencyKeyTooLongError):
        found = {"field": "Idempotency-Key", "reason": str(error)}
        return {"errors": [found], "limit": idempotency.MAX_KEY_LENGTH, **chinese(error)}
    if isinstance(error, idempotency.IdempotencyError | NothingSignedError):
        return chinese(error)
    if isinstance(error, api.TooManyWaitersError):
        return {"position": error.position, "waiting": error.waiting, **chinese(error)}
    if isinstance(error, api.UnknownParametersError):
        unknown = [{"field": name, "reason": "unknown query parameter"} for name in error.unknown]
        return {"errors": unknown, "parameters": error.declared, **chinese(error)}
    if isinstance(error, WebhookNotFoundError):
        return chinese(error)
    if isinstance(error, api.PermissionDeniedError):
        return {"role": error.role, "permission": error.permission}
    return {}


def unknown_category(error: domain.UnknownCategoryError) -> dict[str, Any]:
    """The field, the valid categories, and the reason in both languages."""
    valid = ", ".join(error.valid)
    return {
        "detail_zh": f"三包政策 {error.version} 没有类别 {error.category!r} 的规则；"
        f"可用类别：{valid}",
        "errors": [{"field": error.field, "reason": f"unknown category; valid: {valid}"}],
        "valid": list(error.valid),
    }


def chinese(error: BaseException) -> dict[str, str]:
    """The detail in Chinese, for the errors that say it (state table, closing rule)."""
    detail_zh = getattr(error, "detail_zh", "")
    return {"detail_zh": detail_zh} if detail_zh else {}


def retry_after(kind: ProblemType, body: dict[str, Any] | None = None) -> dict[str, str]:
    """503, 429 and in-progress answers say when to come back (the problem's own time if any)."""
    if body is not None and isinstance(body.get("retry_after"), int):
        return {"Retry-After": str(body["retry_after"])}
    if kind.status == 503 or kind.slug == "idempotency-in-progress":
        return {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {}
