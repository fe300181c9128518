"""Operations: liveness (open), readiness (its detail to the metrics permission), metrics.

``/healthz`` answers anyone. ``/readyz`` tells anyone whether the service is
ready, or degraded while the views have quarantined events or their hot
standby does not answer; the head, the
views' lag and the number of quarantined events go only to a token with the
metrics permission, as does ``/metrics`` (request counts tell an outsider how
busy the ledger is). Requests that arrive on the metrics address
(``SANBAO_METRICS_PORT``, which `sanbao serve` listens on besides the API's)
need no token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from api.http.deps import (
    BearerCredentials,
    RuntimeDep,
    authorised,
    check_request_text,
    runtime_of,
)
from api.http.http_errors import DatabaseUnavailableError, NotAuthenticatedError
from api.roles import METRICS_READ
from api.service.metrics import Metrics
from api.service.runtime import DATABASE_ERRORS, Runtime
from domain.calendar import HolidaySource, holiday_sources

router = APIRouter(tags=["operations"], dependencies=[Depends(check_request_text)])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    """``ready``, or ``degraded`` while the views have quarantined events or their standby
    (``DATABASE_READ_URL``) does not answer: commands go on, view reads answer 503."""
    database: str
    standby: str | None = None
    """``reachable`` or ``unreachable``: the hot standby view reads go to, when there is one."""
    calendar: dict[str, HolidaySource]
    """This year's and next year's source of public holidays (``domain.calendar``)."""
    head: int | None = None
    """The ledger's head position (metrics permission only)."""
    projection_lag: int | None = None
    """Positions the slowest view is behind the head (metrics permission only)."""
    quarantined_events: int | None = None
    """Events the views stepped over as damaged (metrics permission only)."""


def on_metrics_address(request: Request) -> bool:
    """True for a request that arrived on the metrics address (``SANBAO_METRICS_PORT``)."""
    port = runtime_of(request).settings.metrics_port
    server = request.scope.get("server")
    return port is not None and server is not None and server[1] == port


async def may_read_metrics(request: Request, credentials: BearerCredentials) -> bool:
    """True on the metrics address or for a token with the metrics permission."""
    if on_metrics_address(request):
        return True
    if credentials is None:
        return False
    await authorised(request, credentials, METRICS_READ)
    return True


async def require_metrics(request: Request, credentials: BearerCredentials) -> None:
    if not on_metrics_address(request):
        if credentials is None:
            raise NotAuthenticatedError("a bearer token with the metrics permission is required")
        await authorised(request, credentials, METRICS_READ)


MetricsReader = Annotated[bool, Depends(may_read_metrics)]


@router.get("/healthz")
async def read_health() -> Health:
    """Say that the process is alive."""
    return Health(status="ok")


@router.get("/readyz", response_model_exclude_none=True)
async def read_readiness(runtime: RuntimeDep, detailed: MetricsReader) -> Readiness:
    """Say whether the database answers and the views apply every event (degraded while
    some are quarantined); head, lag and quarantined events to the metrics permission."""
    return await run_in_threadpool(readiness, runtime, detailed)


def readiness(runtime: Runtime, detailed: bool) -> Readiness:
    runtime.check_database()
    quarantined = runtime.quarantined()
    standby = runtime.standby_reachable()
    this_year = datetime.now().year
    answer = Readiness(
        status="degraded" if quarantined or standby is False else "ready",
        database="reachable",
        standby=None if standby is None else ("reachable" if standby else "unreachable"),
        calendar={str(y): s for y, s in holiday_sources([this_year, this_year + 1]).items()},
    )
    if detailed:
        answer.head = runtime.head()
        answer.projection_lag = runtime.view_lag()
        answer.quarantined_events = quarantined
    return answer


@router.get("/metrics", response_class=Response, dependencies=[Depends(require_metrics)])
def read_metrics(request: Request, runtime: RuntimeDep) -> Response:
    """Expose Prometheus metrics (metrics permission, or the metrics address)."""
    metrics: Metrics = request.app.state.metrics
    try:
        metrics.projection_lag.set(runtime.view_lag())
        metrics.quarantined_events.set(runtime.quarantined())
    except (DatabaseUnavailableError, *DATABASE_ERRORS):
        pass  # unknown while the database is away; the counters still matter
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
