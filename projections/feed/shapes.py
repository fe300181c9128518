"""Field shapes of the public contract: each gives its JSON Schema and converts a value.

One description serves both, so the schema served at ``/api/v1/events/schema``
and the payloads the feed hands out cannot drift apart. Money is a decimal
string (no float rounding), dates ISO 8601, enums their stored value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

Json = Any


@dataclass(frozen=True)
class Shape:
    """A JSON Schema fragment and the function turning a domain value into it."""

    schema: dict[str, Json]
    convert: Callable[[Any], Json]

    def nullable(self) -> Shape:
        """The same shape, or null (facts recorded before the field existed carry none)."""
        schema = {"anyOf": [self.schema, {"type": "null"}]}
        return Shape(schema, lambda v: None if v is None else self.convert(v))


def _same(value: Any) -> Json:
    return value


TEXT = Shape({"type": "string"}, str)
INTEGER = Shape({"type": "integer"}, int)
BOOLEAN = Shape({"type": "boolean"}, bool)
MONEY = Shape(
    {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "description": "decimal, CNY"},
    lambda v: str(Decimal(v)),
)
DAY = Shape({"type": "string", "format": "date"}, lambda v: _iso(v))
MOMENT = Shape({"type": "string", "format": "date-time"}, lambda v: _iso(v))


def _iso(value: date | datetime | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def choice(enum: type[Enum]) -> Shape:
    """One of an enum's stored values."""
    values = [member.value for member in enum]
    return Shape(
        {"type": "string", "enum": values}, lambda v: v.value if isinstance(v, Enum) else v
    )


def array(of: Shape) -> Shape:
    return Shape({"type": "array", "items": of.schema}, lambda v: [of.convert(x) for x in v])


def record(fields: Mapping[str, Shape]) -> Shape:
    """An object with exactly these fields, read from a value object's attributes."""
    schema = {
        "type": "object",
        "properties": {name: shape.schema for name, shape in fields.items()},
        "required": list(fields),
        "additionalProperties": False,
    }

    def convert(value: Any) -> Json:
        attrs: dict[str, Any] = value if isinstance(value, dict) else vars(value)
        return {name: shape.convert(attrs.get(name)) for name, shape in fields.items()}

    return Shape(schema, convert)


UNCHANGED = Shape({}, _same)
