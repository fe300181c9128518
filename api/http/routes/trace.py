"""Traceability: a serial number's story, and batch, model and supplier summaries."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from api.http.deps import ViewConnection, requires
from api.http.routes import api_router
from projections.trace import trace_queries as q
from storage.users import User

router = api_router(prefix="/trace", tags=["traceability"])
Key = Annotated[str, Path(min_length=1, max_length=200)]
Tracer = Annotated[User, requires("trace:read")]


@router.get("/serials/{serial_no}")
def read_serial_story(serial_no: Key, conn: ViewConnection, _: Tracer) -> q.SerialStory:
    """Trace a serial number through every claim, following replacements both ways."""
    return q.serial_story(conn, serial_no)


@router.get("/batches/{batch_no}")
def read_batch_summary(batch_no: Key, conn: ViewConnection, _: Tracer) -> q.TraceSummary:
    """Summarise the claims about one production batch."""
    return q.batch_summary(conn, batch_no)


@router.get("/models/{model}")
def read_model_summary(model: Key, conn: ViewConnection, _: Tracer) -> q.TraceSummary:
    """Summarise the claims about one model."""
    return q.model_summary(conn, model)


@router.get("/suppliers/{supplier}")
def read_supplier_summary(supplier: Key, conn: ViewConnection, _: Tracer) -> q.TraceSummary:
    """Summarise the claims about one supplier's items."""
    return q.supplier_summary(conn, supplier)
