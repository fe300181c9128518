"""JSON transcodings for every custom type stored in claim events and snapshots.

The library's JSON transcoder knows only str, int, float, bool, list, dict,
UUID, Decimal and datetime; dates, enums and our value objects are registered
here. JSON has no tuples, so tuple fields are restored from lists on decode.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import values, vocabulary
from domain.claim import ClaimStatus
from domain.item_track import ItemStage, ItemState


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    """Stores an enum member as its value, under the enum's class name."""

    def __init__(self, enum_type: type[Enum]) -> None:
        self.type = enum_type
        self.name = enum_type.__name__
        # A plain dict lookup: Enum's own __call__ is slow on the catch-up path.
        self.members: dict[Any, Enum] = {m.value: m for m in enum_type}

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        return self.members[data]


class DataclassAsDict(Transcoding):
    """Stores a dataclass as a dict of its fields, under the class name.

    Decoding restores the recorded values without running ``__init__``: a fact
    that was valid when recorded must still load if a validation rule changes
    later (and skipping the checks makes catching up views much faster).
    Fields added to the class since the fact was recorded take their defaults.
    """

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        fields = dataclasses.fields(cls)
        self.field_names = tuple(f.name for f in fields)
        self.tuple_fields = frozenset(f.name for f in fields if str(f.type).startswith("tuple"))
        self.defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
        self.default_factories = {
            f.name: f.default_factory
            for f in fields
            if f.default_factory is not dataclasses.MISSING
        }

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.field_names}

    def decode(self, data: dict[str, Any]) -> Any:
        obj: Any = object.__new__(self.type)
        state = obj.__dict__
        state.update(self.defaults)
        for name, factory in self.default_factories.items():
            state[name] = factory()
        for key, value in data.items():
            state[key] = tuple(value) if key in self.tuple_fields else value
        return obj


ENUMS: tuple[type[Enum], ...] = (
    *(
        obj
        for obj in vars(vocabulary).values()
        if isinstance(obj, type) and issubclass(obj, Enum) and obj.__module__ == vocabulary.__name__
    ),
    ItemStage,
    ClaimStatus,
)
VALUE_OBJECTS: tuple[type[Any], ...] = (
    *(
        obj
        for obj in vars(values).values()
        if isinstance(obj, type)
        and dataclasses.is_dataclass(obj)
        and obj.__module__ == values.__name__
    ),
    ItemState,
)


def register_claim_transcodings(transcoder: JSONTranscoder) -> None:
    """Registers every custom type of the claim model on the library's transcoder."""
    transcoder.register(DateAsISO())
    for enum_type in ENUMS:
        transcoder.register(EnumAsValue(enum_type))
    for cls in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls))
