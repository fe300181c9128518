"""The policy's fee schedule: a fixed price per unit for paid repairs, by category.

In the policy file::

    [repair_fees]
    lighting = 50      # 检测维修费 per unit, for a paid repair of a lamp

Where the schedule names the item's category, a paid repair's quote is that fee
× the units repaired (``domain.quotes``), and a hand-typed quote that differs
needs a supervisor's override. A category the schedule does not name, or a
document without the table, leaves paid repairs quoted by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.errors import InvalidInputError
from domain.policy.toml_values import only_keys, place, typed


@dataclass(frozen=True)
class RepairFees:
    """The fee per unit of a paid repair, by category."""

    by_category: dict[str, Decimal] = field(default_factory=dict)

    def fee_for(self, category: str) -> Decimal | None:
        return self.by_category.get(category)


def parse_repair_fees(data: dict[str, Any], root: str, categories: set[str]) -> RepairFees:
    """The ``[repair_fees]`` table of a policy document; none when it is absent."""
    if "repair_fees" not in data:
        return RepairFees()
    table = typed(data, "repair_fees", dict, root)
    where = place(root, "repair_fees")
    only_keys(table, categories, where)
    fees = {}
    for category, value in table.items():
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        fee = typed({category: value}, category, Decimal, where)
        if fee <= 0:
            raise InvalidInputError(place(where, category), "a fee must be positive")
        fees[category] = fee
    return RepairFees(fees)
