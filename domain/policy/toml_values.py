"""Typed reads from parsed TOML tables, each failure naming the file and the place."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from domain.errors import InvalidInputError

E = TypeVar("E", bound=Enum)


def enum_value(kind: type[E], value: object, where: str) -> E:
    """The enum member whose value this is; the error lists the values known."""
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(str(member.value) for member in kind)
        raise InvalidInputError(where, f"unknown value {value!r}; known: {known}") from None


def typed(table: dict[str, Any], key: str, kind: type, where: str, default: Any = None) -> Any:
    """The value under ``key``, required (unless a default is given) and of type ``kind``."""
    value = table.get(key, default)
    if value is None:
        raise InvalidInputError(place(where, key), "is required")
    # bool is an int subclass and datetime a date subclass: neither may pass for the other.
    if (
        not isinstance(value, kind)
        or (kind is int and isinstance(value, bool))
        or (kind is date and isinstance(value, datetime))
    ):
        raise InvalidInputError(place(where, key), f"must be {kind.__name__}, not {value!r}")
    return value


def only_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuses keys the format does not define: a misspelt key must not be ignored."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InvalidInputError(where, f"unknown keys {unknown}; allowed: {sorted(allowed)}")


def place(where: str, key: str) -> str:
    """``file.toml: rules[3].when`` + ``window``; the document root is ``file.toml: ``."""
    return f"{where}{key}" if where.endswith(": ") else f"{where}.{key}"
