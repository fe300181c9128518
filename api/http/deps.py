"""Route dependencies as ``Annotated`` aliases: the ledger, the user, permissions, views.

FastAPI runs a plain ``def`` dependency in a worker thread; those that never
block are ``async def`` so that a request does not hop threads once per
dependency (a measurable share of a command's cost).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg import Connection

from api.http.http_errors import NotAuthenticatedError, PermissionDeniedError
from api.http.query_names import check_query_names
from api.roles import allows
from api.service.runtime import Runtime
from domain.application import ClaimsLedger
from domain.errors import InvalidInputError, PositionBeyondHeadError
from domain.numerals import ascii_number
from domain.text import check_arguments
from storage.recorder import datastore_of
from storage.users import User

bearer = HTTPBearer(auto_error=False, description="a token from `sanbao users add`")


async def check_request_text(request: Request) -> None:
    """Refuses (422) query names the route does not have, and query and path values
    PostgreSQL cannot hold (NUL characters)."""
    check_query_names(request)
    query = dict(request.query_params) if request.scope.get("query_string") else {}
    check_arguments(query | dict(request.path_params))


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_runtime(request: Request) -> Runtime:
    return runtime_of(request)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_ledger(request: Request) -> ClaimsLedger:
    # From the request, not from RuntimeDep: each dependency costs every request.
    return runtime_of(request).ledger


LedgerDep = Annotated[ClaimsLedger, Depends(get_ledger)]


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None) -> User:
    """The user holding the bearer token; 401 without a valid one."""
    if credentials is None:
        raise NotAuthenticatedError("a bearer token is required")
    token = credentials.credentials
    runtime = runtime_of(request)
    user = runtime.users.cached(token) or await run_in_threadpool(runtime.users.verify, token)
    if user is None:
        raise NotAuthenticatedError("the bearer token is unknown or revoked")
    request.state.user = user.name  # for the request's log line
    return user


async def authorised(
    request: Request, credentials: HTTPAuthorizationCredentials | None, permission: str
) -> User:
    """The current user if their role has ``permission``; 403 naming both otherwise."""
    user = await authenticate(request, credentials)
    if not allows(user.role, permission):
        raise PermissionDeniedError(user.role.value, permission)
    return user


def requires(permission: str) -> Any:
    """A dependency giving the current user, or 403 naming their role and the permission."""

    async def check(request: Request, credentials: BearerCredentials) -> User:
        return await authorised(request, credentials, permission)

    return Depends(check)


IfMatch = Annotated[
    str | None,
    Header(description='the claim version (ETag) the change is based on, e.g. "7"'),
]


def expected_version(if_match: str | None) -> int | None:
    """The version in ``If-Match`` (``"7"``, ``W/"7"`` or ``7``); ``*`` or none means any."""
    if if_match is None or if_match.strip() == "*":
        return None
    version = ascii_number(if_match.strip().removeprefix("W/").strip('"'))
    if version is None or version >= 10**9:
        raise InvalidInputError("If-Match", 'must be a claim version such as "7"')
    return version


async def get_expected_version(if_match: IfMatch = None) -> int | None:
    return expected_version(if_match)


ExpectedVersion = Annotated[int | None, Depends(get_expected_version)]
"""The claim version the change is based on (``If-Match``), or None for any."""


async def wait_for_min_position(
    request: Request,
    min_position: Annotated[
        int | None,
        Query(ge=0, le=2**62, description="wait until the views applied this ledger position"),
    ] = None,
) -> None:
    """Returns once the views reached ``min_position``, holding no thread while it waits.

    A position beyond the ledger's head is refused at once (422): no command
    returned it. Views that do not reach a written position in time answer 503,
    and so does a read that would wait while ``max_position_waiters`` already do.
    """
    if not min_position:
        return
    runtime = runtime_of(request)
    if runtime.views_reached(min_position):
        return
    head = await run_in_threadpool(runtime.head)
    if min_position > head:
        raise PositionBeyondHeadError(min_position, head)
    await runtime.await_views(min_position)


def get_view_connection(
    runtime: RuntimeDep, waited: Annotated[None, Depends(wait_for_min_position)]
) -> Iterator[Connection[Any]]:
    """A connection for view queries (on the standby when ``DATABASE_READ_URL`` names one),
    once the views reached ``min_position``. Nothing is written through it."""
    with runtime.view_connection() as conn:
        yield conn


ViewConnection = Annotated[Connection[Any], Depends(get_view_connection)]


def get_ledger_connection(
    runtime: RuntimeDep, waited: Annotated[None, Depends(wait_for_min_position)]
) -> Iterator[Connection[Any]]:
    """A connection on the ledger's own database, once the views reached ``min_position``:
    for the records the service keeps besides the views (the access log, the ledger's
    verifications), which a standby could show late."""
    with datastore_of(runtime.ledger).get_connection() as conn:
        yield conn


LedgerConnection = Annotated[Connection[Any], Depends(get_ledger_connection)]
