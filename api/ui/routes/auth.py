"""Signing in with a name and password (or a bearer token), signing out, choosing the language.

The sign-in form has no session yet, so its CSRF token is a double-submit one:
a random value in a SameSite=Strict, HTTP-only cookie that the form must repeat.
Every later form carries the session's synchronizer token instead.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from api.http.deps import RuntimeDep
from api.ui.deps import (
    CONSOLE_CHECKS,
    CSRF_FIELD,
    LANGUAGE_COOKIE,
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    CheckedForm,
    CsrfRefused,
    TranslatorDep,
    password_store,
    session_store,
)
from api.ui.i18n import LANGUAGES
from api.ui.pages import UI_PREFIX, UiRoute, render, safe_next
from storage.console_sessions import SESSION_LIFETIME
from storage.users import NAME

router = APIRouter(route_class=UiRoute, dependencies=CONSOLE_CHECKS)
YEAR = 365 * 24 * 3600


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """HTTP-only, SameSite=Strict, console-wide; Secure whenever the page came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=UI_PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


@router.get("/ui")
def read_console_home() -> RedirectResponse:
    return RedirectResponse(f"{UI_PREFIX}/claims", status_code=303)


@router.get("/ui/sign-in")
def read_sign_in(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    """The sign-in form; a fresh double-submit CSRF value for it."""
    presession = request.cookies.get(PRESESSION_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "sign_in.html", None, csrf=presession, next=safe_next(next))
    set_cookie(request, response, PRESESSION_COOKIE, presession, 3600)
    return response


@router.post("/ui/sign-in")
async def create_session(request: Request, runtime: RuntimeDep, t: TranslatorDep) -> Response:
    """Verifies the password (or the token), opens a session and sets its cookie.

    A wrong password counts towards the lock-out; a locked-out user is told until when."""
    async with request.form() as form:  # closes any uploaded file's spool
        sent, after = form.get(CSRF_FIELD), form.get("next")
        token, name, password = form.get("token"), form.get("name"), form.get("password")
    expected = request.cookies.get(PRESESSION_COOKIE, "")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise CsrfRefused()
    target = safe_next(after if isinstance(after, str) else None)
    user, error = None, t("sign_in.refused")
    if isinstance(token, str) and token.strip():
        user = await run_in_threadpool(runtime.users.verify, token.strip())
    elif isinstance(name, str) and isinstance(password, str) and name.strip() and password:
        # A name no user can have (NUL, spaces …) is refused like a wrong password.
        user_name = name.strip().lower() if NAME.fullmatch(name.strip().lower()) else ""
        outcome = await run_in_threadpool(password_store(runtime).sign_in, user_name, password)
        user, error = outcome.user, t("sign_in.password_refused")
        if outcome.locked_until is not None:
            error = t("sign_in.locked", until=t.datetime(outcome.locked_until))
    if user is None:
        return render(
            request,
            "sign_in.html",
            None,
            status_code=401,
            csrf=expected,
            next=target,
            error=error,
            name=name.replace("\x00", "") if isinstance(name, str) else "",
        )
    session_id, _ = await run_in_threadpool(session_store(runtime).open, user)
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, session_id, int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(PRESESSION_COOKIE, path=UI_PREFIX)
    return response


@router.post("/ui/sign-out")
def delete_session(request: Request, runtime: RuntimeDep, _: CheckedForm) -> Response:
    """Ends the session; the browser's cookie is cleared too."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        session_store(runtime).close(session_id)
    response = RedirectResponse(f"{UI_PREFIX}/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=UI_PREFIX)
    return response


@router.get("/ui/language/{language}")
def choose_language(
    request: Request, language: str, next: Annotated[str | None, Query()] = None
) -> Response:
    """Remembers the language (a cookie; a preference, no server state) and goes back."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if language in LANGUAGES:
        set_cookie(request, response, LANGUAGE_COOKIE, language, YEAR)
    return response
