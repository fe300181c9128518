"""Stock in the console: each item's units on hand, reserved for claims, available, low."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.http.deps import LedgerDep
from api.http.schemas.stock import StockItemPublic
from api.roles import STOCK_READ
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, render
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/stock", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Reader = Annotated[Session, page_requires(STOCK_READ)]


@router.get("")
def read_stock_page(request: Request, ledger: LedgerDep, session: Reader) -> Response:
    """What `GET /api/v1/stock` answers, as a page: the low items first."""
    items = [StockItemPublic.of(i) for i in ledger.stock.items()]
    items.sort(key=lambda i: (not i.low, i.warehouse, i.sku))
    return render(request, "stock.html", session, items=items)
