"""Stock of replacement units and spare parts, and the standard repair solutions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, status

from api.http.deps import LedgerDep, ViewConnection, requires
from api.http.presenters import month_start
from api.http.routes import api_router
from api.http.schemas.stock import (
    CataloguePublic,
    FaultPublic,
    SolutionStatisticsPublic,
    StockItemPublic,
    StockPublic,
    StockReceiptIn,
    StockReservationIn,
    StockReturnIn,
)
from api.roles import STOCK_MOVE, STOCK_READ
from domain.catalogue import default_catalogue
from domain.claim import Claim
from domain.errors import InvalidInputError
from projections.reports.solutions import solution_statistics
from storage.users import User

router = api_router(tags=["stock"])
Month = Annotated[str, Query(pattern=r"^[12][0-9]{3}-(0[1-9]|1[0-2])$", examples=["2026-11"])]


def refuse_unknown(request: Request, known: set[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise InvalidInputError(
            unknown[0], f"unknown parameter; known: {listed}", f"未知参数；可用参数：{listed}"
        )


@router.get("/stock")
def read_stock(
    request: Request,
    ledger: LedgerDep,
    _: Annotated[User, requires(STOCK_READ)],
    low: bool = False,
) -> StockPublic:
    """Every stock item (warehouse, SKU): on hand, reserved for claims, available, and the
    low-stock flag (available at or below the item's threshold); ``low=true``: the flagged."""
    refuse_unknown(request, {"low"})
    items = [StockItemPublic.of(i) for i in ledger.stock.items()]
    flagged = [i for i in items if i.low]
    shown = flagged if low else items
    return StockPublic(data=shown, count=len(shown), low=len(flagged))


@router.post("/stock/receipts", status_code=status.HTTP_201_CREATED)
def receive_stock(
    body: StockReceiptIn, ledger: LedgerDep, user: Annotated[User, requires(STOCK_MOVE)]
) -> StockItemPublic:
    """Record units received into a warehouse, and the item's low-stock threshold if given.

    A SKU received into the claims' warehouse is kept in stock from then on: an
    exchange of that model reserves its unit at diagnosis (or waits for stock with
    its SLA paused for parts), shipping needs the reservation, a repair naming the
    part issues it.
    """
    at = ledger.check_occurred_at(None)
    item = ledger.stock.receive(
        user.actor, at, body.warehouse, body.sku, body.quantity, body.low_stock_at, body.note
    )
    return StockItemPublic.of(item)


@router.post("/stock/returns", status_code=status.HTTP_201_CREATED)
def return_stock(
    body: StockReturnIn, ledger: LedgerDep, user: Annotated[User, requires(STOCK_MOVE)]
) -> StockItemPublic:
    """Record units back on the shelf of an item received before (404 for one never received)."""
    at = ledger.check_occurred_at(None)
    item = ledger.stock.return_to_stock(
        user.actor, at, body.warehouse, body.sku, body.quantity, body.note
    )
    return StockItemPublic.of(item)


@router.post("/stock/reservations", status_code=status.HTTP_201_CREATED)
def reserve_stock(
    body: StockReservationIn, ledger: LedgerDep, user: Annotated[User, requires(STOCK_MOVE)]
) -> StockItemPublic:
    """Reserve the replacement units of an exchange that waited for stock; a claim whose
    SLA was paused for parts has it resumed. Too few available: 422 naming ``quantity``."""
    item = ledger.reserve_stock(user.actor, Claim.create_id(body.claim_number), body.item_no)
    return StockItemPublic.of(item)


@router.get("/repair-solutions")
def read_repair_solutions(
    request: Request,
    _: Annotated[User, requires("policy:read")],
    category: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    model: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> CataloguePublic:
    """The catalogue of fault codes and their standard solutions (parts, labour); with
    ``category`` (and ``model``) the faults a diagnosis of such an item may name."""
    refuse_unknown(request, {"category", "model"})
    catalogue = default_catalogue()
    faults = catalogue.faults
    if category is not None:
        faults = tuple(f for f in faults if f.category == category)
    if model is not None:
        faults = tuple(f for f in faults if not f.models or model in f.models)
    shown = [FaultPublic.of(f) for f in faults]
    return CataloguePublic(version=catalogue.version, data=shown, count=len(shown))


@router.get("/reports/solutions")
def read_solution_statistics(
    request: Request,
    conn: ViewConnection,
    _: Annotated[User, requires("reports:read")],
    month: Month,
) -> SolutionStatisticsPublic:
    """One month's faults by code and, per fault code and standard solution, its repairs
    and first-time fix rate (the share of first repairs applying it that fixed the item)."""
    refuse_unknown(request, {"month", "min_position"})
    stats = solution_statistics(conn, month_start(month))
    return SolutionStatisticsPublic.model_validate(
        {
            "month": stats.month.strftime("%Y-%m"),
            "faults": [vars(f) for f in stats.faults],
            "solutions": [vars(s) for s in stats.solutions],
        }
    )
