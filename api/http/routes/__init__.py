"""The JSON API's routers, one per resource; ``api_router`` makes each."""

from fastapi import APIRouter, Depends

from api.http.deps import check_request_text
from api.http.presenters import API_PREFIX


def api_router(prefix: str = "", *, tags: list[str]) -> APIRouter:
    """A router whose routes carry their whole path (under ``/api/v1``) and refuse NULs."""
    return APIRouter(
        prefix=API_PREFIX + prefix, tags=list(tags), dependencies=[Depends(check_request_text)]
    )
