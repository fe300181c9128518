"""Rendering console pages, and answering errors as pages rather than problem+json.

``UiRoute`` wraps every console route: a missing session redirects to the
sign-in page, and the errors the API would answer as ``application/problem+json``
are shown as an HTML page with the same status, title and detail
(``api.http.problems`` decides both).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from api.http.http_errors import ApiError
from api.http.problem_language import ZH, in_language
from api.http.problems import INTERNAL, VALIDATION, problem_body, problem_type, retry_after
from api.roles import (
    ACCESS_LOG_READ,
    AUDIT_EXPORT,
    CLAIMS_REPORT,
    LEDGER_VERIFY,
    QUEUE_READ,
    STOCK_READ,
    USERS_MANAGE,
    WEBHOOKS_MANAGE,
    allows,
)
from api.service.logs import logger
from api.service.runtime import DATABASE_ERRORS
from api.ui import labels, validation_texts
from api.ui.decision_texts import decision_explanation
from api.ui.deps import CSRF_FIELD, CsrfRefused, SignInRequired, get_translator
from api.ui.event_summaries import event_summary
from api.ui.i18n import Translator
from api.ui.staff import StaffNames
from domain.errors import SanbaoError
from storage.console_sessions import Session

UI_PREFIX = "/ui"
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True

# Pages hold personal data and forms: never cached, never framed, nothing but our own files.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# The pages in the navigation, with the permission each needs.
NAVIGATION = (
    ("home", "/ui/home", "claims:read"),
    ("queue", "/ui/queue", QUEUE_READ),
    ("new_claim", "/ui/new-claim", CLAIMS_REPORT),
    ("claims", "/ui/claims", "claims:read"),
    ("sla", "/ui/sla", "sla:read"),
    ("trace", "/ui/trace", "trace:read"),
    ("report", "/ui/reports/monthly", "reports:read"),
    ("stock", "/ui/stock", STOCK_READ),
    ("integrity", "/ui/integrity", LEDGER_VERIFY),
    ("webhooks", "/ui/webhooks", WEBHOOKS_MANAGE),
    ("access_log", "/ui/access-log", ACCESS_LOG_READ),
    ("users", "/ui/users", USERS_MANAGE),
    ("downloads", "/ui/downloads", AUDIT_EXPORT),
)


def render(
    request: Request,
    template: str,
    session: Session | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The template with the translator, the user, the navigation and the CSRF token."""
    t = get_translator(request)
    nav = [
        (name, url)
        for name, url, permission in NAVIGATION
        if session is not None and allows(session.user.role, permission)
    ]
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "show": partial(labels.show, t),
            "show_field": partial(labels.show_field, t),
            "decision_text": partial(labels.decision_text, t),
            "explanation": partial(decision_explanation, t),
            "summary_text": partial(event_summary, t),
            "staff": staff_namer(request, t),
            **validation_texts.translators(t),
            "session": session,
            "user": session.user if session else None,
            "csrf_field": CSRF_FIELD,
            "csrf_token": session.csrf_token if session else "",
            "nav": nav,
            "here": request.url.path,
            "here_full": here(request),  # a POST's page names its GET address instead
            **context,
        },
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def staff_namer(request: Request, t: Translator) -> Callable[[str | None], str]:
    """``staff(user_id)`` for the templates: display names (one read per few seconds), the
    ledger's own workers (``sla-sweep``) by the catalog's name for them, else the id."""
    state = request.app.state
    runtime = getattr(state, "runtime", None)
    names: dict[str, str] = {}
    if runtime is not None:
        if getattr(state, "staff_names", None) is None:
            state.staff_names = StaffNames(runtime.users)
        try:
            names = state.staff_names.names()
        except DATABASE_ERRORS:
            names = {}

    def name(user_id: str | None) -> str:
        if not user_id:
            return "—"
        return names.get(user_id) or t.messages.get(f"worker.{user_id}", user_id)

    return name


def here(request: Request) -> str:
    """The page's path and query, safe to hand back as a ``next`` target."""
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def safe_next(target: str | None) -> str:
    """Only a console path may be a redirect target (no open redirects)."""
    if target and target.startswith(UI_PREFIX + "/") and not target.startswith("//"):
        return target
    return UI_PREFIX + "/claims"


def error_page(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    return render(
        request, "error.html", None, status_code=status, title=title, detail=detail, **extra
    )


def problem_page(request: Request, error: BaseException) -> Response:
    """The page for an error the API answers as a problem document (same status and text)."""
    kind = problem_type(error) or INTERNAL
    if kind.status >= 500:
        logger.warning("console request failed", problem=kind.slug)
    t = get_translator(request)
    language = ZH if t.language == "zh" else t.language  # the problem texts' zh-CN
    body = in_language(problem_body(error, kind, request.url.path), language)
    page = error_page(
        request, kind.status, body["title"], body["detail"], errors=body.get("errors") or []
    )
    page.headers.update(retry_after(kind, body))
    return page


def validation_page(request: Request, error: RequestValidationError) -> Response:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "reason": e["msg"]}
        for e in error.errors()
    ]
    t = get_translator(request)
    title = in_language({"type": VALIDATION.uri, "title": VALIDATION.title}, t.language)["title"]
    detail = t("reason.count", n=len(errors))
    return error_page(request, VALIDATION.status, title, detail, errors=errors)


class UiRoute(APIRoute):
    """A console route: sign-in redirects and HTML error pages instead of problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = quote(here(request), safe="")
                return RedirectResponse(f"{UI_PREFIX}/sign-in?next={target}", status_code=303)
            except CsrfRefused:
                t = get_translator(request)
                return error_page(request, 403, t("error.csrf_title"), t("error.csrf_detail"))
            except RequestValidationError as error:
                return validation_page(request, error)
            except (ApiError, SanbaoError, *DATABASE_ERRORS) as error:
                return problem_page(request, error)

        return handle
