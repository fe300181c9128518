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

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        member: Enum = self.type(data)
        return member


class DataclassAsDict(Transcoding):
    """Stores a dataclass as a dict of its fields, under the class name."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        self.tuple_fields = {
            f.name for f in dataclasses.fields(cls) if str(f.type).startswith("tuple")
        }

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        kwargs = {k: tuple(v) if k in self.tuple_fields else v for k, v in data.items()}
        return self.type(**kwargs)


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
