"""Refusals about units (serial numbers): each says what went wrong in English and Chinese."""

from __future__ import annotations

from domain.errors import SanbaoError


class UnitNotFoundError(SanbaoError, LookupError):
    """Raised when no claim names the serial number and no registration holds it."""

    def __init__(self, serial_no: str) -> None:
        super().__init__(f"unit {serial_no!r}: no claim or registration names this serial number")
        self.serial_no = serial_no
        self.detail_zh = f"序列号 {serial_no!r} 没有任何案件或保修登记"


class UnitAlreadyRegisteredError(SanbaoError):
    """Raised when a serial number is registered again with other facts.

    A registration is a recorded fact: the same facts again are the same
    registration (a retry), different ones are refused rather than overwritten.
    """

    def __init__(self, serial_no: str, field: str, recorded: str) -> None:
        super().__init__(
            f"unit {serial_no!r} is already registered with {field} {recorded!r}; "
            "a registration is not changed afterwards"
        )
        self.serial_no = serial_no
        self.field = field
        self.recorded = recorded
        self.detail_zh = f"序列号 {serial_no!r} 已登记，{field} 为 {recorded!r}；登记后不可更改"
