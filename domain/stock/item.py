"""The ``StockItem`` aggregate: one SKU (a replacement unit's model or a spare part) in
one warehouse, its quantity on hand and what is reserved of it for claims.

Stock moves only by recorded events: received, reserved for a claim's item, released,
issued (to a claim's exchange or repair), returned. Commands check first and record
after, so a refused movement stores nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInputError
from domain.stock.errors import OutOfStockError
from domain.values import Actor

STOCK_NAMESPACE = uuid5(NAMESPACE_URL, "https://sanbao-ledger/stock")
BOOK_ID = uuid5(STOCK_NAMESPACE, "book")


def stock_item_id(warehouse: str, sku: str) -> UUID:
    """An item's id derives from its warehouse and SKU."""
    return uuid5(STOCK_NAMESPACE, f"{warehouse}\x00{sku}")


def reservation_key(claim_id: UUID | str, item_no: int) -> str:
    """The key of a claim item's reservation (a string: snapshots keep dicts as JSON)."""
    return f"{claim_id}#{item_no}"


class StockItem(Aggregate):
    """One SKU in one warehouse."""

    @staticmethod
    def create_id(warehouse: str, sku: str, **_: Any) -> UUID:
        return stock_item_id(warehouse, sku)

    @event("Listed")
    def __init__(
        self, warehouse: str, sku: str, actor: Actor, occurred_at: datetime, low_stock_at: int = 0
    ) -> None:
        self.warehouse = warehouse
        self.sku = sku
        self.low_stock_at = low_stock_at
        self.on_hand = 0
        self.reservations: dict[str, int] = {}
        self.reserved_for: dict[str, str] = {}  # reservation key -> claim number

    @property
    def reserved(self) -> int:
        return sum(self.reservations.values())

    @property
    def available(self) -> int:
        """On hand and not reserved for a claim."""
        return self.on_hand - self.reserved

    @property
    def low(self) -> bool:
        """At or below the item's low-stock threshold (never, without one)."""
        return self.low_stock_at > 0 and self.available <= self.low_stock_at

    def _check_quantity(self, quantity: int) -> None:
        if quantity < 1:
            raise InvalidInputError("quantity", "must be at least 1", "数量至少为 1")

    def receive(self, actor: Actor, occurred_at: datetime, quantity: int, note: str = "") -> None:
        self._check_quantity(quantity)
        self._received(actor, occurred_at, quantity, note)

    @event("Received")
    def _received(self, actor: Actor, occurred_at: datetime, quantity: int, note: str) -> None:
        self.on_hand += quantity

    def set_low_stock_at(self, actor: Actor, occurred_at: datetime, threshold: int) -> None:
        if threshold < 0:
            raise InvalidInputError("low_stock_at", "must not be negative", "不能为负数")
        if threshold != self.low_stock_at:
            self._threshold_set(actor, occurred_at, threshold)

    @event("ThresholdSet")
    def _threshold_set(self, actor: Actor, occurred_at: datetime, threshold: int) -> None:
        self.low_stock_at = threshold

    def reserve(
        self,
        actor: Actor,
        occurred_at: datetime,
        claim_id: UUID,
        claim_number: str,
        item_no: int,
        quantity: int,
    ) -> bool:
        """Reserves units for a claim's item; False (and nothing recorded) when they are
        reserved already, the same reservation asked again."""
        self._check_quantity(quantity)
        if reservation_key(claim_id, item_no) in self.reservations:
            return False
        if quantity > self.available:
            raise OutOfStockError("quantity", self.warehouse, self.sku, quantity, self.available)
        self._reserved(actor, occurred_at, str(claim_id), claim_number, item_no, quantity)
        return True

    @event("Reserved")
    def _reserved(
        self,
        actor: Actor,
        occurred_at: datetime,
        claim_id: str,
        claim_number: str,
        item_no: int,
        quantity: int,
    ) -> None:
        key = reservation_key(claim_id, item_no)
        self.reservations[key] = quantity
        self.reserved_for[key] = claim_number

    def reservation(self, claim_id: UUID, item_no: int) -> int:
        """The units reserved for a claim's item (0: none)."""
        return self.reservations.get(reservation_key(claim_id, item_no), 0)

    def release(self, actor: Actor, occurred_at: datetime, claim_id: UUID, item_no: int) -> bool:
        """Gives a claim item's reservation back to the available stock; False when none."""
        if reservation_key(claim_id, item_no) not in self.reservations:
            return False
        self._released(actor, occurred_at, str(claim_id), item_no)
        return True

    @event("Released")
    def _released(self, actor: Actor, occurred_at: datetime, claim_id: str, item_no: int) -> None:
        key = reservation_key(claim_id, item_no)
        self.reservations.pop(key, None)
        self.reserved_for.pop(key, None)

    def issue(
        self,
        actor: Actor,
        occurred_at: datetime,
        quantity: int,
        claim_id: UUID,
        claim_number: str,
        item_no: int,
        field: str = "quantity",
        allow_shortage: bool = False,
    ) -> None:
        """Issues units to a claim's item: its reservation first, else available stock.

        ``allow_shortage`` records the issue even beyond the stock (the count goes below
        zero, a shortage the stock view shows): for a claim's fact already recorded."""
        self._check_quantity(quantity)
        reserved = self.reservation(claim_id, item_no)
        if quantity > self.available + reserved and not allow_shortage:
            raise OutOfStockError(field, self.warehouse, self.sku, quantity, self.available)
        self._issued(actor, occurred_at, quantity, str(claim_id), claim_number, item_no)

    @event("Issued")
    def _issued(
        self,
        actor: Actor,
        occurred_at: datetime,
        quantity: int,
        claim_id: str,
        claim_number: str,
        item_no: int,
    ) -> None:
        key = reservation_key(claim_id, item_no)
        self.reservations.pop(key, None)
        self.reserved_for.pop(key, None)
        self.on_hand -= quantity

    def return_to_stock(
        self, actor: Actor, occurred_at: datetime, quantity: int, note: str = ""
    ) -> None:
        """Units back on the shelf: an unused part, a replacement the customer sent back."""
        self._check_quantity(quantity)
        self._returned(actor, occurred_at, quantity, note)

    @event("Returned")
    def _returned(self, actor: Actor, occurred_at: datetime, quantity: int, note: str) -> None:
        self.on_hand += quantity


class StockBook(Aggregate):
    """The list of every stock item, so that the stock can be read whole."""

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return BOOK_ID

    @event("Opened")
    def __init__(self) -> None:
        self.keys: list[list[str]] = []  # [warehouse, sku], in the order first received

    @event("ItemListed")
    def list_item(self, warehouse: str, sku: str) -> None:
        self.keys.append([warehouse, sku])
