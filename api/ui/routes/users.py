"""Users, for supervisors: add one (role, display name, first password), name them, reset a
password, revoke. A new user's API token is shown once, on the page that created it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.roles import API_ROLES, USERS_MANAGE
from api.service.runtime import Runtime
from api.ui.deps import (
    CONSOLE_CHECKS,
    CheckedForm,
    get_translator,
    page_requires,
    password_store,
)
from api.ui.i18n import Translator
from api.ui.pages import UiRoute, render
from domain.errors import InvalidInputError
from domain.vocabulary import Role
from storage.console_sessions import Session
from storage.passwords import MAX_LENGTH, MIN_LENGTH
from storage.users import DISPLAY_NAME_LENGTH, NAME

router = APIRouter(prefix="/ui/users", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Supervisor = Annotated[Session, page_requires(USERS_MANAGE)]
ROLES = [role.value for role in API_ROLES]


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def users_page(
    request: Request,
    session: Session,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    users = runtime_of(request).users.list()
    return render(
        request, "users.html", session, status_code=status_code, users=users, roles=ROLES,
        errors=errors or {}, values=values or {}, min_length=MIN_LENGTH, **context,
    )  # fmt: skip


def only(form: dict[str, str], *names: str) -> None:
    """Refuses a form with a field it does not have (as the API refuses unknown members)."""
    unknown = sorted(set(form) - set(names))
    if unknown:
        raise InvalidInputError("body", f"unknown field(s): {', '.join(unknown)}")


def password_error(t: Translator, password: str, again: str | None = None) -> str | None:
    """Why the password cannot be used, in the reader's language; None if it can."""
    if len(password) < MIN_LENGTH:
        return t("users.error_password_short", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return t("users.error_password_long", max=MAX_LENGTH)
    if any(not ch.isprintable() for ch in password):
        return t("users.error_printable")
    if again is not None and again != password:
        return t("users.error_password_differs")
    return None


def display_name_error(t: Translator, display_name: str) -> str | None:
    if len(display_name.strip()) > DISPLAY_NAME_LENGTH:
        return t("users.error_display_name_long", max=DISPLAY_NAME_LENGTH)
    if any(not ch.isprintable() for ch in display_name):
        return t("users.error_printable")
    return None


@router.get("")
def read_users_page(request: Request, session: Supervisor) -> Response:
    """Every user (revoked ones too: their names stay on the events they recorded)."""
    return users_page(request, session)


@router.post("")
def add_user(request: Request, form: CheckedForm, session: Supervisor) -> Response:
    """Adds a user; the page shows their API token once, and sets a first password if given."""
    only(form, "name", "role", "display_name", "password")
    t = get_translator(request)
    name, role = form.get("name", "").strip(), form.get("role", "")
    display_name, password = form.get("display_name", ""), form.get("password", "")
    errors: dict[str, str] = {}
    if not NAME.fullmatch(name):
        errors["name"] = t("users.error_name")
    if role not in ROLES:
        errors["role"] = t("users.error_role")
    if (problem := display_name_error(t, display_name)) is not None:
        errors["display_name"] = problem
    if password and (problem := password_error(t, password)) is not None:
        errors["password"] = problem
    runtime = runtime_of(request)
    if not errors:
        try:
            token = runtime.users.add(name, Role(role), display_name)
        except InvalidInputError:
            errors["name"] = t("users.error_exists", name=name)
    if errors:
        values = {"name": name, "role": role, "display_name": display_name}
        return users_page(request, session, 422, errors, values)
    if password:
        password_store(runtime).set_password(name, password)
    return users_page(request, session, 201, created={"name": name, "token": token})


@router.post("/{name}/display-name")
def rename_user(request: Request, name: str, form: CheckedForm, session: Supervisor) -> Response:
    """Changes how the console shows the user (the id on their events never changes)."""
    only(form, "display_name")
    t = get_translator(request)
    display_name = form.get("display_name", "")
    if (problem := display_name_error(t, display_name)) is not None:
        return users_page(request, session, 422, {f"display_name.{name}": problem})
    if not runtime_of(request).users.set_display_name(name, display_name):
        return users_page(request, session, 404, {"user": t("users.error_no_user", name=name)})
    return RedirectResponse(f"/ui/users#user-{name}", status_code=303)


@router.post("/{name}/password")
def reset_password(request: Request, name: str, form: CheckedForm, session: Supervisor) -> Response:
    """Sets a new password for the user (tell them in person) and lifts a lock-out."""
    only(form, "password", "password_again")
    t = get_translator(request)
    password = form.get("password", "")
    problem = password_error(t, password, form.get("password_again", ""))
    if problem is not None:
        return users_page(request, session, 422, {f"password.{name}": problem})
    if not password_store(runtime_of(request)).set_password(name, password):
        return users_page(request, session, 404, {"user": t("users.error_no_user", name=name)})
    return users_page(request, session, 200, done=t("users.password_set", name=name))


@router.post("/{name}/revoke")
def revoke_user(request: Request, name: str, form: CheckedForm, session: Supervisor) -> Response:
    """Revokes the user: their token, password and console sessions stop working."""
    only(form)
    t = get_translator(request)
    if name == session.user.name:
        return users_page(request, session, 422, {"user": t("users.error_self_revoke")})
    if not runtime_of(request).users.revoke(name):
        return users_page(request, session, 404, {"user": t("users.error_no_user", name=name)})
    return users_page(request, session, 200, done=t("users.revoked_done", name=name))
