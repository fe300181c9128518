"""A ledger dump: every stored event up to a signed checkpoint, restorable without re-encoding.

The file is lines of JSON. The first names the format; then one line per
event in ledger order, ``[position, originator_id, version, topic, state]``
with the stored state in base64, exactly the bytes the ledger stored; the last
line holds the signed checkpoint the dump was cut at and the signer's public
key. A restore trusts the rows without decoding them once their hashes check
out: the log hash recomputed over every row (at the positions the rows had)
must equal the checkpoint's, and the checkpoint must be signed by the key the
operator trusts. One changed, missing, added or reordered row changes the log
hash; a re-signed checkpoint fails the trusted key.
"""

from __future__ import annotations

import base64
import binascii
import json
from binascii import a2b_base64, b2a_base64
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.integrity.checkpoints import CheckpointBody, SignedCheckpoint
from domain.integrity.hashing import ZERO, event_hash, log_link

FORMAT = "sanbao-ledger-dump/1"
COLUMNS = ["position", "originator_id", "version", "topic", "state"]

DumpRow = tuple[int, UUID, int, str, bytes]


class DumpRefusedError(ValueError):
    """Why a dump cannot be trusted: ``reason`` names it (a message key), ``details`` fill it."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(f"{reason}: {details}" if details else reason)
        self.reason = reason
        self.details = details


def header_line() -> bytes:
    return json.dumps({"format": FORMAT, "columns": COLUMNS}).encode("ascii") + b"\n"


def is_dump_header(line: bytes) -> bool:
    """Whether a file's first line starts a ledger dump."""
    try:
        fields = json.loads(line)
    except ValueError:
        return False
    return isinstance(fields, dict) and fields.get("format") == FORMAT


def check_header(line: bytes) -> None:
    """Refuses a first line that is not exactly this format's header (no other columns or
    fields: a dump is restored as written, nothing in it is left unread)."""
    if not is_dump_header(line):
        raise DumpRefusedError("not_a_dump")
    if json.loads(line) != {"format": FORMAT, "columns": COLUMNS}:
        raise DumpRefusedError("bad_header", columns=", ".join(COLUMNS))


def row_line(row: DumpRow) -> bytes:
    position, originator_id, version, topic, state = row
    fields = [
        position,
        str(originator_id),
        version,
        topic,
        b2a_base64(state, newline=False).decode(),
    ]
    return orjson.dumps(fields, option=orjson.OPT_APPEND_NEWLINE)


def trailer_line(signed: SignedCheckpoint, public_key: str, events: int) -> bytes:
    fields = {
        "checkpoint": signed.text,
        "signature": base64.b64encode(signed.signature).decode("ascii"),
        "public_key": public_key,
        "events": events,
    }
    return json.dumps(fields, sort_keys=True).encode("ascii") + b"\n"


@dataclass(frozen=True)
class DumpTrailer:
    signed: SignedCheckpoint
    public_key: str
    events: int


def parse_row(line: bytes, number: int) -> DumpRow | DumpTrailer:
    """One line after the header: an event row, or the closing trailer."""
    try:
        fields = orjson.loads(line)
        if isinstance(fields, dict):
            return _trailer(fields)
        position, originator_id, version, topic, state = fields
        if not (type(position) is int and type(version) is int and type(topic) is str):
            raise TypeError("position and version must be integers, topic a string")
        return position, _uuid(originator_id), version, topic, a2b_base64(state, strict_mode=True)
    except (ValueError, TypeError, KeyError, binascii.Error) as error:
        raise DumpRefusedError("malformed", line=number, error=str(error)) from None


@lru_cache(maxsize=4096)
def _uuid(text: str) -> UUID:
    """An aggregate's id (cached: its events come close together in the log)."""
    return UUID(text)


TRAILER_FIELDS = {"checkpoint", "signature", "public_key", "events"}


def _trailer(fields: dict[str, Any]) -> DumpTrailer:
    if set(fields) != TRAILER_FIELDS:
        raise ValueError(f"a trailer has exactly the fields {', '.join(sorted(TRAILER_FIELDS))}")
    text = fields["checkpoint"]
    body = CheckpointBody.parse(text)
    signature = base64.b64decode(fields["signature"], validate=True)
    return DumpTrailer(
        SignedCheckpoint(body, text, signature), fields["public_key"], fields["events"]
    )


class DumpLog:
    """The log hash over a dump's rows, as the ledger chained them; checked against the trailer."""

    def __init__(self) -> None:
        self.log_hash = ZERO
        self.position = 0
        self.events = 0

    def add(self, row: DumpRow, number: int) -> None:
        position, originator_id, version, topic, state = row
        if position <= self.position:
            raise DumpRefusedError("out_of_order", line=number, position=position)
        digest = event_hash(originator_id, version, topic, state)
        self.log_hash = log_link(self.log_hash, position, digest)
        self.position = position
        self.events += 1

    def check(self, trailer: DumpTrailer, trusted_key: Ed25519PublicKey) -> None:
        """Refuses unless the rows are exactly those the trusted key's checkpoint signed."""
        if not trailer.signed.signed_by(trusted_key):
            raise DumpRefusedError("untrusted_signature", public_key=trailer.public_key)
        body = trailer.signed.body
        if self.events != trailer.events or self.position != body.position:
            raise DumpRefusedError(
                "incomplete", events=self.events, expected=trailer.events, position=body.position
            )
        if self.log_hash.hex() != body.log_hash:
            raise DumpRefusedError("hash_mismatch", position=body.position)
