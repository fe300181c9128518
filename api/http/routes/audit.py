"""The audit trail across claims, from the audit view."""

from __future__ import annotations

from itertools import chain
from typing import Annotated, Literal

from fastapi import Query
from fastapi.responses import StreamingResponse

from api.http.claim_refs import ClaimRefQuery, existing_claim_id, naming
from api.http.deps import LedgerDep, ViewConnection, requires
from api.http.routes import api_router
from api.http.routes.ledger import IntegrityDep
from api.http.schemas.reads import AuditPublic
from api.http.schemas.times import QueryTime
from api.http.spreadsheets import Sheet, xlsx_response
from api.roles import AUDIT_EXPORT
from domain.application import ClaimsLedger
from projections.audit.audit_export import ExportFilters, ExportHead
from projections.audit.audit_queries import MAX_LIMIT, AuditRow, search_audit
from projections.audit.export_formats import (
    FIELDS,
    MEDIA_TYPES,
    audit_cells,
    export_head_fields,
    export_lines,
)
from storage.users import User

router = api_router(prefix="/audit", tags=["audit"])


@router.get("")
def read_audit(
    conn: ViewConnection,
    ledger: LedgerDep,
    _: Annotated[User, requires("audit:read")],
    claim_id: ClaimRefQuery = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    event_type: Annotated[str | None, Query(max_length=100)] = None,
    recorded_from: QueryTime | None = None,
    recorded_to: QueryTime | None = None,
    after_position: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> AuditPublic:
    """Search the audit trail by claim, actor, event type and recorded period."""
    rows = search_audit(
        conn,
        claim_id=None if claim_id is None else existing_claim_id(ledger, claim_id),
        actor=actor,
        event_type=event_type,
        recorded_from=recorded_from,
        recorded_to=recorded_to,
        after_position=after_position,
        limit=limit,
    )
    following = rows[-1].position if len(rows) == limit else None
    return AuditPublic(data=rows, count=len(rows), next_after_position=following)


EXPORT_CONTENT = {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()}


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": EXPORT_CONTENT, "description": "the export, streamed"}},
)
def export_audit_trail(
    integrity: IntegrityDep,
    ledger: LedgerDep,
    _: Annotated[User, requires(AUDIT_EXPORT)],
    format: Literal["csv", "ndjson", "xlsx"] = "ndjson",
    claim: ClaimRefQuery = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    recorded_from: QueryTime | None = None,
    recorded_to: QueryTime | None = None,
) -> StreamingResponse:
    """Stream the audit trail (NDJSON, CSV or XLSX) with the ledger head and checkpoint it was cut
    at: in the NDJSON header line, on the XLSX's ``export`` sheet, and in the X-Ledger-* headers
    of every format (a CSV holds only the table, so that spreadsheets open it cleanly)."""
    filters = ExportFilters(
        recorded_from=recorded_from,
        recorded_to=recorded_to,
        claim_number=None if claim is None else claim_number_of(ledger, claim),
        actor=actor,
    )
    items = integrity.export(filters)
    head = next(items)  # reads the head now: a database error answers before streaming starts
    assert isinstance(head, ExportHead)
    headers = {"X-Ledger-Head-Position": str(head.head_position), "X-Export-Rows": str(head.rows)}
    if head.head_hash:
        headers["X-Ledger-Head-Hash"] = head.head_hash
    if head.checkpoint_seq is not None:
        headers["X-Ledger-Checkpoint-Seq"] = str(head.checkpoint_seq)
        headers["X-Ledger-Checkpoint-Position"] = str(head.checkpoint_position)
    if format == "xlsx":
        cut_at = export_head_fields(head, filters)
        sheets = [
            Sheet(
                "audit", FIELDS, (audit_cells(row) for row in items if isinstance(row, AuditRow))
            ),
            Sheet("export", ["field", "value"], cut_at.items()),
        ]
        return xlsx_response(sheets, f"sanbao-audit-{head.head_position}.xlsx", headers)
    lines = export_lines(chain([head], items), filters, format)
    return StreamingResponse(lines, media_type=MEDIA_TYPES[format], headers=headers)


def claim_number_of(ledger: ClaimsLedger, reference: str) -> str:
    """The number of the claim a filter names by number or id (the export filters by number)."""
    with naming(reference) as claim_id:
        return ledger.get_claim(claim_id).claim_number
