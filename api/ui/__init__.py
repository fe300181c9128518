"""The supervisor console: server-rendered pages under ``/ui`` in the service's own app.

Pages call the same ledger methods and view queries as the HTTP API, with the
same permission table (``api/roles.py``); they are left out of the OpenAPI.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.ui.routes import (
    access_log,
    auth,
    claims,
    downloads,
    evidence,
    home,
    integrity,
    new_claim,
    queue,
    reports,
    service_record,
    sla,
    stock,
    trace,
    users,
    webhooks,
)

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install_console(app: FastAPI) -> None:
    """Adds the console's routes and its static files to the app (not to the OpenAPI)."""
    pages = (home, queue, new_claim, service_record, access_log, users, downloads, evidence, stock)
    for module in (auth, claims, trace, sla, reports, integrity, webhooks, *pages):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")
