"""The FastAPI application: routers under ``/api/v1``, problem answers, middleware, lifespan."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.http.api_docs import install_api_docs
from api.http.body_limit import BodyLimitMiddleware
from api.http.fast_paths import add_routes
from api.http.handlers import install_problem_handlers
from api.http.middleware import IdempotencyMiddleware, RequestContextMiddleware
from api.http.openapi import problem_openapi
from api.http.routes import (
    access_log,
    audit,
    claim_commands,
    claims,
    customers,
    events,
    evidence,
    ledger,
    ops,
    policy,
    reports,
    stock,
    trace,
    units,
    webhooks,
)
from api.service.logs import configure_logging
from api.service.metrics import Metrics
from api.service.runtime import Runtime
from api.settings import Settings, get_settings
from api.ui import install_console

# Evidence uploads (API and console) carry files larger than any JSON body.
EVIDENCE_UPLOADS = re.compile(r"/(api/v1|ui)/claims/[^/]+/evidence/files")
UPLOAD_FORM_OVERHEAD = 64 * 1024  # the multipart boundaries and the form's text fields


STARTUP_WAIT_SECONDS = 15.0  # for the ledger to open before a worker takes requests


def create_app(settings: Settings) -> FastAPI:
    """The service; its lifespan opens the ledger and runs the views and the SLA sweep."""
    configure_logging(settings.log_level)
    runtime = Runtime(settings, projections=settings.projections)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        # A worker takes requests only once its ledger is open (uvicorn accepts after this
        # startup), so that with --workers N one worker's "ready" does not send a request to
        # another still opening; while the database is down it starts after the wait and
        # answers 503 at once.
        await asyncio.to_thread(runtime.wait_until_ready, STARTUP_WAIT_SECONDS)
        try:
            yield
        finally:
            runtime.stop()

    app = FastAPI(
        title="Sanbao Ledger",
        version="1.0",
        description="An event-sourced ledger of after-sales claims under the 三包 rules.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.metrics = Metrics()
    for hot_router in (claims.router, claim_commands.router):
        add_routes(app, hot_router)
    for router in (
        audit.router,
        trace.router,
        reports.router,
        policy.router,
        customers.router,
        access_log.router,
        ledger.router,
        ops.router,
        units.router,
        units.plans_router,
        evidence.router,
        events.router,
        webhooks.router,
        stock.router,
    ):
        app.include_router(router)
    install_api_docs(app)  # Swagger UI and ReDoc served from the package, not a CDN
    install_console(app)  # the supervisor console under /ui, left out of the OpenAPI
    install_problem_handlers(app)
    app.add_middleware(IdempotencyMiddleware, runtime=runtime)
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.max_body_bytes,
        uploads=EVIDENCE_UPLOADS,
        upload_limit=settings.evidence_max_bytes + UPLOAD_FORM_OVERHEAD,
    )
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    app.openapi = lambda: problem_openapi(app)  # type: ignore[method-assign]
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn workers (``sanbao serve --workers N``)."""
    return create_app(get_settings())
