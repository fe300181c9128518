"""Console dependencies: the language, the signed-in session, page permissions, CSRF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from api.http.deps import RuntimeDep
from api.http.http_errors import PermissionDeniedError
from api.http.query_names import check_query_names
from api.roles import allows
from api.service.runtime import Runtime
from api.ui.i18n import Translator
from domain.errors import InvalidInputError
from domain.text import check_arguments, check_storable
from storage.console_sessions import Session, SessionStore
from storage.passwords import PasswordStore
from storage.recorder import datastore_of

SESSION_COOKIE = "sanbao_session"
LANGUAGE_COOKIE = "sanbao_lang"
PRESESSION_COOKIE = "sanbao_presession"
CSRF_FIELD = "csrf_token"


async def check_console_query(request: Request) -> None:
    """Refuses (422 page) a NUL in any query name or value, repeated ones included, or path
    value, and a query parameter the page does not have (as the API does).

    A page reads the last of a repeated parameter, a form field the first: every
    one is checked, so no value PostgreSQL cannot hold reaches a page or a form.
    """
    for name, value in request.query_params.multi_items():
        check_storable("query parameter name", name)
        check_storable(name, value)
    check_arguments(dict(request.path_params))
    check_query_names(request)


CONSOLE_CHECKS = [Depends(check_console_query)]
"""Every console route's checks before its own: no NUL in query or path values and no
unknown query parameter (422 page)."""


class SignInRequired(Exception):
    """Raised when a console page is asked for without a live session."""


class CsrfRefused(Exception):
    """Raised when a console form comes back without its session's CSRF token."""


def get_translator(request: Request) -> Translator:
    return Translator(request.cookies.get(LANGUAGE_COOKIE, ""))


TranslatorDep = Annotated[Translator, Depends(get_translator)]


def session_store(runtime: Runtime) -> SessionStore:
    return SessionStore(datastore_of(runtime.ledger))


def password_store(runtime: Runtime) -> PasswordStore:
    settings = runtime.settings
    return PasswordStore(
        datastore_of(runtime.ledger), settings.sign_in_max_failures, settings.sign_in_lockout
    )


def get_session(request: Request, runtime: RuntimeDep) -> Session:
    """The signed-in session of the cookie; SignInRequired without a live one."""
    session_id = request.cookies.get(SESSION_COOKIE)
    session = session_store(runtime).get(session_id) if session_id else None
    if session is None:
        raise SignInRequired()
    request.state.user = session.user.name  # for the request's log line
    return session


SessionDep = Annotated[Session, Depends(get_session)]


def page_requires(permission: str) -> Any:
    """A dependency giving the session, or PermissionDeniedError (403) naming the role."""

    def check(session: SessionDep) -> Session:
        if not allows(session.user.role, permission):
            raise PermissionDeniedError(session.user.role.value, permission)
        return session

    return Depends(check)


async def checked_form(request: Request, session: SessionDep) -> dict[str, Any]:
    """The posted form's fields, once its CSRF token matched the session's (else 403)."""
    async with request.form() as form:  # closes any uploaded file's spool
        if not session.csrf_matches(_text(form.get(CSRF_FIELD))):
            raise CsrfRefused()
        fields = {}
        for key, value in form.multi_items():
            if not isinstance(value, str):
                raise InvalidInputError(
                    key, "a console form sends text, not files", "控制台表单只接受文本，不接受文件"
                )
            if key != CSRF_FIELD:
                fields[key] = value
    return fields


CheckedForm = Annotated[dict[str, Any], Depends(checked_form)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
