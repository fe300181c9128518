"""The ledger's orjson transcoder writes the same bytes as the library's JSON transcoder
and reads whatever that one wrote (and the reverse), for every custom type stored."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import date, datetime, timedelta, timezone
from enum import Enum, IntEnum, StrEnum
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given
from hypothesis import strategies as st

from domain.application import ClaimsLedger
from domain.orjson_transcoder import OrjsonTranscoder
from domain.transcodings import ENUMS, VALUE_OBJECTS, register_claim_transcodings
from tests.support.generate import build_claim


def registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    """The transcodings the ledger registers (the library's three, then the claim model's)."""
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_claim_transcodings(transcoder)
    return transcoder


LIBRARY = registered(JSONTranscoder())
ORJSON = registered(OrjsonTranscoder())


def assert_same(value: Any) -> None:
    """Same bytes either way; each reads the other's bytes into the same values."""
    stored = LIBRARY.encode(value)
    assert ORJSON.encode(value) == stored
    assert ORJSON.decode(stored) == LIBRARY.decode(stored)
    assert LIBRARY.encode(ORJSON.decode(stored)) == stored


def test_the_ledger_stores_with_the_orjson_transcoder_and_the_same_transcodings() -> None:
    transcoder = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper.transcoder
    assert isinstance(transcoder, OrjsonTranscoder)
    assert transcoder.names.keys() == LIBRARY.names.keys()


def test_generated_claims_events_and_snapshots_are_stored_alike() -> None:
    ledger = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    rng = random.Random(19)
    start = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    tagged: set[str] = set()
    for n in range(20):
        claim = build_claim(ledger, n, start + timedelta(hours=n), rng)
        events = claim.collect_events()
        snapshot = Snapshot.take(claim)
        for event in [*events, snapshot]:
            state = {k: v for k, v in vars(event).items() if k != "originator_id"}
            assert_same(state)
            tagged.update(_type_names(LIBRARY.encode(state)))
    # The facts of a claim's life carry dates, times, money, enums and value objects.
    assert {"datetime_iso", "date_iso", "decimal_str", "Item", "Actor", "ItemState"} <= tagged


def _type_names(stored: bytes) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "_type_" in value:
                found.add(value["_type_"])
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(json.loads(stored))
    return found


@pytest.mark.parametrize("enum_type", ENUMS, ids=lambda e: e.__name__)
def test_every_enum_member_is_stored_alike(enum_type: type[Enum]) -> None:
    for member in enum_type:
        assert_same({"value": member, "in_a_list": [member], "in_a_tuple": (member, member)})


# -- any value the transcodings know, nested any way ----------------------------------

offsets = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
)
members = st.sampled_from([member for enum_type in ENUMS for member in enum_type])
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.dates(),
    st.datetimes(timezones=st.none() | offsets),
    st.decimals(allow_nan=False),
    st.uuids(),
    members,
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)


@given(trees)
def test_any_nesting_of_stored_types_is_stored_alike(value: Any) -> None:
    assert_same({"value": value})


@st.composite
def value_objects(draw: st.DrawFn) -> Any:
    """A value object of any stored class with any stored values in its fields.

    Built as the transcoding reads one back (without ``__init__``), so the
    fields take values no command would give them: the format must not care.
    """
    cls = draw(st.sampled_from(VALUE_OBJECTS))
    obj = object.__new__(cls)
    for f in dataclasses.fields(cls):
        sequence = str(f.type).startswith("tuple")  # read back as a tuple of what was stored
        obj.__dict__[f.name] = draw(st.lists(trees, max_size=3).map(tuple) if sequence else trees)
    return obj


@given(st.lists(value_objects(), min_size=1, max_size=3))
def test_every_value_object_is_stored_alike(objects: list[Any]) -> None:
    assert_same({"objects": objects, "first": objects[0]})


# -- what orjson would write differently goes through the library's encoder ------------


class Shade(StrEnum):
    WARM = "warm"


class Watts(IntEnum):
    NINE = 9


@pytest.mark.parametrize(
    "value",
    [
        2**64,
        -(2**63) - 1,
        10**30,
        1e-05,
        1e16,
        5e-324,
        {1: "integer key"},
        {None: "null key", True: "true key"},
        Shade.WARM,
        Watts.NINE,
        [1.5, 0.1, -0.0, 123456789.125],
    ],
    ids=repr,
)
def test_values_orjson_writes_otherwise_are_stored_alike(value: Any) -> None:
    assert_same({"value": value})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=repr)
def test_nan_and_infinities_are_written_as_the_library_writes_them(value: float) -> None:
    stored = LIBRARY.encode([value])
    assert ORJSON.encode([value]) == stored
    assert repr(ORJSON.decode(stored)) == repr(LIBRARY.decode(stored))


def test_a_large_whole_float_still_reads_as_a_float() -> None:
    assert_same({"value": 1e300, "integer": 2**63 - 1})
    assert type(ORJSON.decode(b"[1e300]")[0]) is float


@pytest.mark.parametrize("value", [{1, 2}, object(), b"bytes", date.today])
def test_an_unregistered_type_is_refused_by_both(value: Any) -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        LIBRARY.encode({"value": value})
    with pytest.raises(TranscodingNotRegisteredError):
        ORJSON.encode({"value": value})


def test_an_unknown_tag_is_refused_by_both() -> None:
    stored = b'{"value":{"_type_":"no_such_type","_data_":1}}'
    with pytest.raises(TranscodingNotRegisteredError):
        LIBRARY.decode(stored)
    with pytest.raises(TranscodingNotRegisteredError):
        ORJSON.decode(stored)


@pytest.mark.parametrize("stored", [b"", b"{", b"\xff", b'{"a": NaN', b"[1,]"], ids=repr)
def test_bytes_that_are_not_json_are_refused_by_both(stored: bytes) -> None:
    with pytest.raises(ValueError):
        LIBRARY.decode(stored)
    with pytest.raises(ValueError):
        ORJSON.decode(stored)


def test_a_uuid_is_stored_as_its_hex_not_as_orjson_writes_it() -> None:
    uuid = UUID("12345678-1234-5678-1234-567812345678")
    assert (
        ORJSON.encode([uuid])
        == b'[{"_type_":"uuid_hex","_data_":"12345678123456781234567812345678"}]'
    )
