"""Stock of replacement units and spare parts per warehouse, as an event-sourced ledger."""

from domain.stock.claims import ClaimStock, StockMoves
from domain.stock.errors import NothingReservedError, OutOfStockError, StockItemNotFoundError
from domain.stock.item import StockBook, StockItem, stock_item_id
from domain.stock.ledger import DEFAULT_WAREHOUSE, StockLedger

__all__ = [
    "DEFAULT_WAREHOUSE",
    "ClaimStock",
    "NothingReservedError",
    "OutOfStockError",
    "StockBook",
    "StockItem",
    "StockItemNotFoundError",
    "StockLedger",
    "StockMoves",
    "stock_item_id",
]
