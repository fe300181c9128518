"""Text that can be stored: no NUL characters anywhere in a command's arguments.

PostgreSQL text and jsonb cannot hold U+0000. An event carrying one would be
stored (events are bytes) but could never be projected into the read models,
stopping them for good; so commands refuse it up front.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from domain.errors import InvalidInputError

NUL = "\x00"


def check_storable(field: str, value: Any) -> None:
    """Raises InvalidInputError naming the field if ``value`` holds a NUL character."""
    if isinstance(value, str):
        if NUL in value:
            raise InvalidInputError(field, "must not contain NUL (U+0000) characters")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_storable(f"{field}.{key}", item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_storable(f"{field}[{index}]", item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            check_storable(f"{field}.{item.name}", getattr(value, item.name))


def check_arguments(arguments: Mapping[str, Any]) -> None:
    """Checks every argument of a command."""
    for name, value in arguments.items():
        check_storable(name, value)
