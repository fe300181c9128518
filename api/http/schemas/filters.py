"""Query parameters of list endpoints."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import Query

from api.http.schemas.times import QueryTime
from domain.claim import ClaimStatus
from domain.vocabulary import ClaimKind, Priority, ProblemCategory
from projections.claims.claims_queries import ClaimFilters

Short = Annotated[str | None, Query(min_length=1, max_length=200)]


@dataclass
class ClaimFilterParams:
    """The filters of ``GET /claims``; every filter given must hold."""

    status: Annotated[ClaimStatus | None, Query()] = None
    kind: Annotated[ClaimKind | None, Query()] = None
    category: Short = None
    problem_category: Annotated[ProblemCategory | None, Query()] = None
    priority: Annotated[Priority | None, Query()] = None
    assignee: Short = None
    region: Short = None
    model: Short = None
    serial_no: Short = None
    overdue: Annotated[bool | None, Query()] = None
    batch: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="a recall: claims of the batch"),
    ] = None
    supplier: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="a recall: claims of the supplier"),
    ] = None
    created_from: Annotated[QueryTime | None, Query()] = None
    created_to: Annotated[QueryTime | None, Query()] = None
    updated_from: Annotated[QueryTime | None, Query()] = None
    updated_to: Annotated[QueryTime | None, Query()] = None
    text: Short = None

    def to_filters(self) -> ClaimFilters:
        values = {
            name: value.value if hasattr(value, "value") else value
            for name, value in asdict(self).items()
        }
        return ClaimFilters(**values)
