"""Query parameters a route does not declare are refused (422 naming them), never ignored.

A misspelt filter (``from`` for ``recorded_from``) would otherwise answer as if
it were not there: an export of everything that looks like a period's. The names
a route declares are FastAPI's own record of its parameters (``route.dependant``,
its sub-dependencies included: the claim filters, ``min_position``), and the
query parameters a route that parses its own query lists in ``openapi_extra``
(OpenAPI's ``parameters``, ``"in": "query"``), read once per route.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from starlette.routing import BaseRoute

from api.http.http_errors import UnknownParametersError

_DECLARED: dict[int, frozenset[str]] = {}


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """Every query parameter name (alias) of a route's dependant and its sub-dependencies."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= declared_query_names(sub)
    return frozenset(names)


def listed_query_names(openapi_extra: dict[str, Any] | None) -> frozenset[str]:
    """The query parameters a route lists itself in ``openapi_extra["parameters"]``."""
    listed = (openapi_extra or {}).get("parameters", [])
    return frozenset(p["name"] for p in listed if p.get("in") == "query")


def names_of(route: BaseRoute) -> frozenset[str]:
    """The query names ``route`` declares (none for a route without a dependant)."""
    known = _DECLARED.get(id(route))
    if known is None:
        dependant = getattr(route, "dependant", None)
        known = declared_query_names(dependant) if dependant is not None else frozenset()
        known |= listed_query_names(getattr(route, "openapi_extra", None))
        _DECLARED[id(route)] = known
    return known


def check_query_names(request: Request) -> None:
    """Raises ``UnknownParametersError`` for query names the matched route does not declare."""
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    if route is None:
        return
    declared = names_of(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in declared]
    if unknown:
        raise UnknownParametersError(unknown, sorted(declared))
