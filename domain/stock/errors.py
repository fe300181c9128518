"""Refusals about stock: each says what went wrong in English and Chinese."""

from __future__ import annotations

from domain.errors import InvalidInputError, LifecycleError, SanbaoError


class StockItemNotFoundError(SanbaoError, LookupError):
    """No stock was ever received for this SKU in this warehouse."""

    def __init__(self, warehouse: str, sku: str) -> None:
        super().__init__(f"no stock of {sku!r} was ever received in warehouse {warehouse!r}")
        self.warehouse = warehouse
        self.sku = sku
        self.detail_zh = f"仓库 {warehouse!r} 从未入库 {sku!r}"


class OutOfStockError(InvalidInputError):
    """Fewer units of a stocked SKU are available than a command takes."""

    def __init__(self, field: str, warehouse: str, sku: str, wanted: int, available: int) -> None:
        super().__init__(
            field,
            f"{sku!r} in warehouse {warehouse!r}: {wanted} wanted, {available} available",
            f"仓库 {warehouse!r} 的 {sku!r} 库存不足：需要 {wanted}，可用 {available}",
        )
        self.warehouse = warehouse
        self.sku = sku
        self.wanted = wanted
        self.available = available


class NothingReservedError(LifecycleError):
    """A replacement is shipped only from a unit reserved for the claim's item."""

    def __init__(self, item_no: int, sku: str, warehouse: str) -> None:
        super().__init__(
            "ship_replacement",
            f"item {item_no} waiting for stock",
            f"no {sku!r} is reserved for item {item_no} in warehouse {warehouse!r}",
            f"cannot ship a replacement for item {item_no}: no {sku!r} is reserved for it "
            f"in warehouse {warehouse!r} (receive stock, then reserve it for the claim)",
        )
        self.item_no = item_no
        self.sku = sku
        self.warehouse = warehouse
        self.detail_zh = (
            f"无法为第 {item_no} 项发出换货：仓库 {warehouse!r} 没有为其预留 {sku!r}"
            "（请先入库，再为该案件预留）"
        )
