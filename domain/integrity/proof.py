"""A claim's proof: its stored events, their hashes and the signed checkpoints covering them.

The document is JSON. ``verify_proof`` needs nothing but the document and the
ledger's public key (this module imports only the standard library,
``cryptography`` and the integrity package), so an auditor can check one claim
away from the database: every event hash is recomputed from the raw row, the
claim's chain links versions 1..n, and each event's Merkle path leads to the
root of a checkpoint whose Ed25519 signature holds.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.integrity.checker import ChainEntry, StoredEvent
from domain.integrity.checkpoints import CheckpointBody, SignedCheckpoint
from domain.integrity.hashing import (
    claim_link,
    event_hash,
    inclusion_path,
    merkle_leaf,
    root_from_path,
)

PROOF_FORMAT = "sanbao-ledger-proof/1"


@dataclass(frozen=True)
class Segment:
    """A checkpoint and the leaves of the log entries it covers, in position order."""

    checkpoint: SignedCheckpoint
    positions: Sequence[int]
    leaves: list[bytes]


def proof_document(
    claim_id: UUID, rows: Sequence[tuple[StoredEvent, ChainEntry]], segments: Sequence[Segment]
) -> dict[str, Any]:
    """The proof of ``rows`` (the claim's events in version order), each under a segment."""
    events = []
    for event, entry in rows:
        segment = next(
            s
            for s in segments
            if s.checkpoint.body.from_position < event.position <= s.checkpoint.body.position
        )
        index = segment.positions.index(event.position)
        events.append(
            {
                "position": event.position,
                "originator_id": str(event.originator_id),
                "originator_version": event.version,
                "topic": event.topic,
                "state": base64.b64encode(event.state).decode("ascii"),
                "event_hash": entry.event_hash.hex(),
                "claim_hash": entry.claim_hash.hex(),
                "checkpoint": segment.checkpoint.body.seq,
                "leaf_index": index,
                "path": [h.hex() for h in inclusion_path(segment.leaves, index)],
            }
        )
    checkpoints = [
        {"body": s.checkpoint.text, "signature": base64.b64encode(s.checkpoint.signature).decode()}
        for s in segments
    ]
    return {
        "format": PROOF_FORMAT,
        "claim_id": str(claim_id),
        "events": events,
        "checkpoints": checkpoints,
    }


def strict_b64(text: str) -> bytes:
    """Base64 in its one canonical spelling (unused bits zero), so no edit goes unnoticed."""
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise ProofError("base64 not in canonical form")
    return raw


def strict_hex(text: str) -> bytes:
    raw = bytes.fromhex(text)
    if raw.hex() != text:
        raise ProofError("hex not in canonical (lowercase) form")
    return raw


def integer(value: Any) -> int:
    if type(value) is not int:
        raise ProofError(f"expected an integer, got {value!r}")
    return value


class ProofError(ValueError):
    """Raised when a proof does not hold; the message says which part fails."""


@dataclass(frozen=True)
class ProofResult:
    claim_id: UUID
    versions: int
    last_position: int
    checkpoints: list[int]

    def summary(self) -> str:
        seqs = ", ".join(f"#{seq}" for seq in self.checkpoints)
        return (
            f"proof holds: claim {self.claim_id}, versions 1..{self.versions} up to position "
            f"{self.last_position}, signed by checkpoint {seqs}"
        )


def verify_proof(document: Any, public_key: Ed25519PublicKey) -> ProofResult:
    """Checks a proof document; ProofError naming the first part that does not hold."""
    try:
        return _verify(document, public_key)
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        if isinstance(error, ProofError):
            raise
        raise ProofError(f"malformed proof: {error!r}") from None


def _verify(document: dict[str, Any], public_key: Ed25519PublicKey) -> ProofResult:
    if document["format"] != PROOF_FORMAT:
        raise ProofError(f"unknown proof format {document['format']!r}")
    claim_id = UUID(document["claim_id"])
    if str(claim_id) != document["claim_id"]:
        raise ProofError("claim id not in canonical form")
    bodies: dict[int, CheckpointBody] = {}
    for shipped in document["checkpoints"]:
        body = CheckpointBody.parse(shipped["body"])
        signed = SignedCheckpoint(body, shipped["body"], strict_b64(shipped["signature"]))
        if not signed.signed_by(public_key):
            raise ProofError(f"checkpoint #{body.seq} is not signed by this public key")
        bodies[body.seq] = body
    previous_claim_hash: bytes | None = None
    if not document["events"]:
        raise ProofError("the proof holds no event")
    for version, shipped in enumerate(document["events"], start=1):
        previous_claim_hash = _check_event(claim_id, version, shipped, previous_claim_hash, bodies)
    return ProofResult(
        claim_id,
        len(document["events"]),
        document["events"][-1]["position"],
        sorted({e["checkpoint"] for e in document["events"]}),
    )


def _check_event(
    claim_id: UUID,
    version: int,
    shipped: dict[str, Any],
    previous_claim_hash: bytes | None,
    bodies: dict[int, CheckpointBody],
) -> bytes:
    position = integer(shipped["position"])
    where = f"event at position {position}"
    if (
        UUID(shipped["originator_id"]) != claim_id
        or integer(shipped["originator_version"]) != version
    ):
        raise ProofError(f"{where}: expected version {version} of claim {claim_id}")
    state = strict_b64(shipped["state"])
    digest = event_hash(claim_id, version, shipped["topic"], state)
    if digest.hex() != shipped["event_hash"]:
        raise ProofError(f"{where}: the event's content does not match its hash")
    claim_hash = claim_link(previous_claim_hash, digest)
    if claim_hash.hex() != shipped["claim_hash"]:
        raise ProofError(f"{where}: the claim's chain is broken before version {version}")
    body = bodies.get(integer(shipped["checkpoint"]))
    if body is None or not body.from_position < position <= body.position:
        raise ProofError(f"{where}: not covered by the checkpoint it names")
    path = [strict_hex(h) for h in shipped["path"]]
    index = integer(shipped["leaf_index"])
    root = root_from_path(merkle_leaf(position, digest), index, body.events, path)
    if root is None or root.hex() != body.merkle_root:
        raise ProofError(f"{where}: its Merkle path does not lead to checkpoint #{body.seq}")
    return claim_hash
