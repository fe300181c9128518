"""Operations: liveness, readiness and Prometheus metrics (no authentication)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from api.http.deps import RuntimeDep
from api.http.http_errors import DatabaseUnavailableError
from api.service.metrics import Metrics
from api.service.runtime import DATABASE_ERRORS
from domain.calendar import HolidaySource, holiday_sources

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    head: int
    projection_lag: int
    calendar: dict[str, HolidaySource]
    """This year's and next year's source of public holidays (``domain.calendar``)."""


@router.get("/healthz")
def read_health() -> Health:
    """Say that the process is alive."""
    return Health(status="ok")


@router.get("/readyz")
def read_readiness(runtime: RuntimeDep) -> Readiness:
    """Say whether the database answers and how far the views lag behind the ledger."""
    runtime.check_database()
    this_year = datetime.now().year
    return Readiness(
        status="ready",
        database="reachable",
        head=runtime.head(),
        projection_lag=runtime.view_lag(),
        calendar={str(y): s for y, s in holiday_sources([this_year, this_year + 1]).items()},
    )


@router.get("/metrics", response_class=Response)
def read_metrics(request: Request, runtime: RuntimeDep) -> Response:
    """Expose Prometheus metrics."""
    metrics: Metrics = request.app.state.metrics
    try:
        metrics.projection_lag.set(runtime.view_lag())
    except (DatabaseUnavailableError, *DATABASE_ERRORS):
        pass  # the lag is unknown while the database is away; the counters still matter
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
