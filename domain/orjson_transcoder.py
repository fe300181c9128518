"""The ledger's transcoder: the library's JSON format, encoded and parsed by orjson.

Stored events and snapshots keep exactly the format of the library's
``JSONTranscoder``: compact JSON in UTF-8, custom values tagged as
``{"_type_": name, "_data_": value}`` by the registered transcodings
(``domain.transcodings``), tuples as arrays. So rows written by either
transcoder read with the other, and the bytes are the same.

orjson writes UUIDs and enums itself (without asking for a transcoding), so
values are first turned into plain JSON values here, containers walked once
in Python; after parsing, tagged objects are turned back the same way,
innermost first, as the library's decoder hook does. Whatever orjson refuses
or would write differently (integers beyond 64 bits, floats in exponent
form, NaN and infinities, dict keys that are not strings, JSON holding
``NaN``) goes through the
library's encoder or decoder instead, so nothing that stored before fails now.
"""

from __future__ import annotations

import math
from typing import Any, cast

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding, TranscodingNotRegisteredError

# Values orjson writes exactly as the library's encoder does (floats are checked
# one by one; integers beyond 64 bits make orjson refuse the whole).
_PLAIN = frozenset({str, int, bool, type(None)})


# orjson reads an integer beyond 64 bits as a float; the library's decoder keeps it an
# integer. A whole float that large sends the row to the latter (rarely a real float).
_LARGEST_EXACT = 2.0**63


class _NotPlain(Exception):
    """A value orjson would write differently: the library's encoder takes the whole."""


class OrjsonTranscoder(JSONTranscoder):
    """``JSONTranscoder``'s format and transcodings, with orjson doing the JSON."""

    def encode(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(self._plain(obj))
        except (_NotPlain, orjson.JSONEncodeError):
            return super().encode(obj)

    def decode(self, data: bytes) -> Any:
        try:
            return self._restore(orjson.loads(data))
        except (orjson.JSONDecodeError, _NotPlain):
            return super().decode(data)

    # -- encoding -----------------------------------------------------------------

    def _plain(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _PLAIN:
            return obj
        if kind is dict:
            return self._plain_dict(obj)
        if kind is list or kind is tuple:
            return self._plain_list(obj)
        if kind is float:
            return self._plain_float(obj)
        return self._tagged(obj)

    def _plain_dict(self, obj: dict[Any, Any]) -> dict[str, Any]:
        plain = _PLAIN
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if type(key) is not str:
                raise _NotPlain
            kind = type(value)
            if kind in plain:
                out[key] = value
            elif kind is dict:
                out[key] = self._plain_dict(value)
            elif kind is list or kind is tuple:
                out[key] = self._plain_list(value)
            elif kind is float:
                out[key] = self._plain_float(value)
            else:
                out[key] = self._tagged(value)
        return out

    def _plain_list(self, obj: list[Any] | tuple[Any, ...]) -> list[Any]:
        plain = _PLAIN
        return [value if type(value) in plain else self._plain(value) for value in obj]

    @staticmethod
    def _plain_float(value: float) -> float:
        # orjson writes 1e-05 as 0.00001, and NaN as null: only the plain forms agree.
        if not math.isfinite(value) or "e" in repr(value):
            raise _NotPlain
        return value

    def _tagged(self, obj: Any) -> Any:
        try:
            transcoding = self.types[type(obj)]
        except KeyError:
            return self._subclassed(obj)
        return {"_type_": transcoding.name, "_data_": self._plain(transcoding.encode(obj))}

    def _subclassed(self, obj: Any) -> Any:
        """As the library's encoder: a subclass of a JSON type is written as that type."""
        if isinstance(obj, str):
            return str.__str__(obj)
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return self._plain_float(float(obj))
        if isinstance(obj, dict):
            return self._plain_dict(obj)
        if isinstance(obj, list | tuple):
            return self._plain_list(obj)
        msg = (
            f"Object of type {type(obj)} is not serializable. "
            "Please define and register a custom transcoding for this type."
        )
        raise TranscodingNotRegisteredError(msg)

    # -- decoding -----------------------------------------------------------------

    def _restore(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is dict:
            return self._restore_dict(obj)
        if kind is list:
            self._restore_list(obj)
        elif kind is float:
            _check_float(obj)
        return obj

    def _restore_dict(self, obj: dict[str, Any]) -> Any:
        if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
            data = obj["_data_"]
            kind = type(data)
            if kind is dict:
                obj["_data_"] = self._restore_dict(data)
            elif kind is list:
                self._restore_list(data)
            elif kind is float:
                _check_float(data)
            return self._untagged(obj)
        for key, value in obj.items():
            kind = type(value)
            if kind is dict:
                obj[key] = self._restore_dict(value)
            elif kind is list:
                self._restore_list(value)
            elif kind is float:
                _check_float(value)
        return obj

    def _restore_list(self, obj: list[Any]) -> None:
        for index, value in enumerate(obj):
            kind = type(value)
            if kind is dict:
                obj[index] = self._restore_dict(value)
            elif kind is list:
                self._restore_list(value)
            elif kind is float:
                _check_float(value)

    def _untagged(self, obj: dict[str, Any]) -> Any:
        name = obj["_type_"]
        try:
            transcoding: Transcoding = self.names[cast("str", name)]
        except (KeyError, TypeError) as error:
            msg = (
                f"Data serialized with name '{name}' is not deserializable. "
                "Please register a custom transcoding for this type."
            )
            raise TranscodingNotRegisteredError(msg) from error
        return transcoding.decode(obj["_data_"])


def _check_float(value: float) -> None:
    """Refuses a parsed float that may have been an integer beyond 64 bits."""
    if abs(value) >= _LARGEST_EXACT and value.is_integer():
        raise _NotPlain
