"""The stock ledger: ``StockItem`` aggregates stored in an events table of their own.

Like the units' registrations (``domain.units``), stock events are stored through the
ledger's mapper in the library's aggregate recorder ``<ledger>_stock``, out of the
claims' notification log, so that every claim view and the hash chain's per-claim
proofs stay about claims. A ``StockBook`` aggregate lists the items, so the stock can
be read whole; a new item and its listing are stored in one insert (atomically).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import EventStore, IntegrityError

from domain.errors import ConcurrencyConflictError, InvalidInputError
from domain.stock.errors import StockItemNotFoundError
from domain.stock.item import BOOK_ID, StockBook, StockItem, stock_item_id
from domain.values import Actor

MAX_KEY = 100
ATTEMPTS = 10
DEFAULT_WAREHOUSE = "main"
T = TypeVar("T")


def check_key(field: str, text: str) -> None:
    """A warehouse or SKU: some text, without surrounding spaces, at most 100 characters."""
    if not text.strip() or text != text.strip() or len(text) > MAX_KEY:
        raise InvalidInputError(
            field,
            f"must be 1 to {MAX_KEY} characters without leading or trailing spaces",
            f"须为 1 至 {MAX_KEY} 个字符，首尾不能有空格",
        )


class StockLedger:
    """Records stock movements and reads the stock, in the ledger's database."""

    def __init__(self, ledger: Application[UUID], warehouse: str = DEFAULT_WAREHOUSE) -> None:
        recorder = ledger.factory.aggregate_recorder("stock")
        self.events: EventStore[UUID] = EventStore(ledger.mapper, recorder)
        # The warehouse claims take replacement units and parts from.
        self.warehouse = warehouse

    # -- reading --------------------------------------------------------------

    def _load(self, aggregate_id: UUID) -> Any:
        aggregate: Any = None
        for stored in self.events.get(aggregate_id):
            aggregate = cast(Any, stored).mutate(aggregate)
        return aggregate

    def item(self, warehouse: str, sku: str) -> StockItem | None:
        """The item as recorded, or None when no stock of it was ever received."""
        return cast(StockItem | None, self._load(stock_item_id(warehouse, sku)))

    def tracked(self, sku: str, warehouse: str | None = None) -> StockItem | None:
        """The claims' warehouse's item for a SKU, when its stock is kept in the ledger."""
        return self.item(warehouse or self.warehouse, sku)

    def items(self) -> list[StockItem]:
        """Every item, in the order first received."""
        book = cast(StockBook | None, self._load(BOOK_ID))
        keys = book.keys if book is not None else []
        return [cast(StockItem, self.item(w, s)) for w, s in keys]

    # -- recording ------------------------------------------------------------

    def _save(self, *aggregates: Aggregate) -> None:
        self.events.put([e for a in aggregates for e in a.collect_events()])

    def _with_retries(self, attempt: Callable[[], T]) -> T:
        """Runs a load-change-save again when another writer saved the item first."""
        for _ in range(ATTEMPTS):
            try:
                return attempt()
            except IntegrityError:
                continue
        raise ConcurrencyConflictError(f"gave up after {ATTEMPTS} concurrent stock movements")

    def _existing(self, warehouse: str, sku: str) -> StockItem:
        item = self.item(warehouse, sku)
        if item is None:
            raise StockItemNotFoundError(warehouse, sku)
        return item

    def receive(
        self,
        actor: Actor,
        at: datetime,
        warehouse: str,
        sku: str,
        quantity: int,
        low_stock_at: int | None = None,
        note: str = "",
    ) -> StockItem:
        """Records units received (the item listed with its first receipt) and, when
        given, the item's low-stock threshold."""
        check_key("warehouse", warehouse)
        check_key("sku", sku)

        def attempt() -> StockItem:
            item = self.item(warehouse, sku)
            new = item is None
            if item is None:
                item = StockItem(warehouse=warehouse, sku=sku, actor=actor, occurred_at=at)
            item.receive(actor, at, quantity, note)
            if low_stock_at is not None:
                item.set_low_stock_at(actor, at, low_stock_at)
            if new:
                book = cast(StockBook | None, self._load(BOOK_ID)) or StockBook()
                book.list_item(warehouse, sku)
                self._save(item, book)
            else:
                self._save(item)
            return item

        return self._with_retries(attempt)

    def return_to_stock(
        self, actor: Actor, at: datetime, warehouse: str, sku: str, quantity: int, note: str = ""
    ) -> StockItem:
        """Records units back on the shelf of an item already stocked."""

        def attempt() -> StockItem:
            item = self._existing(warehouse, sku)
            item.return_to_stock(actor, at, quantity, note)
            self._save(item)
            return item

        return self._with_retries(attempt)

    def reserve(
        self,
        actor: Actor,
        at: datetime,
        sku: str,
        claim_id: UUID,
        claim_number: str,
        item_no: int,
        quantity: int,
    ) -> StockItem:
        """Reserves units of the claims' warehouse for a claim's item (again: no change);
        OutOfStockError when too few are available."""

        def attempt() -> StockItem:
            item = self._existing(self.warehouse, sku)
            item.reserve(actor, at, claim_id, claim_number, item_no, quantity)
            self._save(item)
            return item

        return self._with_retries(attempt)

    def release(self, actor: Actor, at: datetime, sku: str, claim_id: UUID, item_no: int) -> None:
        """Gives a claim item's reservation back, if it holds one."""

        def attempt() -> None:
            item = self.item(self.warehouse, sku)
            if item is not None and item.release(actor, at, claim_id, item_no):
                self._save(item)

        self._with_retries(attempt)

    def issue(
        self,
        actor: Actor,
        at: datetime,
        sku: str,
        quantity: int,
        claim_id: UUID,
        claim_number: str,
        item_no: int,
        field: str = "quantity",
        allow_shortage: bool = False,
    ) -> None:
        """Issues units of the claims' warehouse to a claim's item (its reservation first)."""

        def attempt() -> None:
            item = self._existing(self.warehouse, sku)
            item.issue(actor, at, quantity, claim_id, claim_number, item_no, field, allow_shortage)
            self._save(item)

        self._with_retries(attempt)
