"""Traceability: a serial number's story, and batch, model and supplier summaries."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import Path, Response

from api.http.deps import ViewConnection, requires
from api.http.routes import api_router
from api.http.schemas.times import in_business_time
from projections.trace import trace_queries as q
from projections.trace.recall_csv import MEDIA_TYPE, recall_csv
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


Kind = Literal["batches", "models", "suppliers"]
KINDS = {"batches": "batch", "models": "model", "suppliers": "supplier"}


@router.get("/{kind}/{key}/recall")
def read_recall_list(kind: Kind, key: Key, conn: ViewConnection, _: Tracer) -> list[q.RecallUnit]:
    """A recall list: every affected unit of a batch, model or supplier, with its claims.

    A replacement unit is listed under its own batch (and under the model or
    supplier of the item it replaced), with the claim that shipped it and every
    claim later reported about it.
    """
    units: list[q.RecallUnit] = in_business_time(q.recall_list(conn, KINDS[kind], key))
    return units


@router.get(
    "/{kind}/{key}/recall.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the recall list as CSV"}},
)
def read_recall_csv(kind: Kind, key: Key, conn: ViewConnection, _: Tracer) -> Response:
    """The recall list as CSV (UTF-8 with BOM; the same rows and fields as ``/recall``)."""
    body = recall_csv(q.recall_list(conn, KINDS[kind], key))
    name = quote(f"recall-{KINDS[kind]}-{key}.csv", safe="")
    disposition = f"attachment; filename=\"recall.csv\"; filename*=UTF-8''{name}"
    return Response(body, media_type=MEDIA_TYPE, headers={"Content-Disposition": disposition})
