"""The JSON API's routers, one per resource; ``api_router`` makes each."""

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute

from api.http.deps import check_request_text
from api.http.presenters import API_PREFIX


def api_router(prefix: str = "", *, tags: list[str]) -> APIRouter:
    """A router whose routes carry their whole path (under ``/api/v1``) and refuse NULs."""
    return APIRouter(
        prefix=API_PREFIX + prefix, tags=list(tags), dependencies=[Depends(check_request_text)]
    )


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """Puts the router's routes on the app itself, not behind ``include_router``.

    An included router is matched by walking its routes (twice for the one that
    answers) with per-candidate bookkeeping; on the API's hottest routes that was
    about a tenth of a request's time in the event loop. The routes were built
    complete (path, tags, dependencies) by ``api_router``, so nothing is lost.
    """
    for route in router.routes:
        assert isinstance(route, APIRoute), f"{route!r} is not an API route"
        app.router.routes.append(route)
