"""Streaming verification of the event log against its hash chain and signed checkpoints.

The checker is fed, in position order, pairs of (stored event row, chain entry)
for each position present in either; it recomputes every hash itself, so an
edited chain is caught as surely as an edited event, and it stops at the first
fault. It holds one log hash and one Merkle stack, whatever the log's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.integrity.checkpoints import CheckpointBody, SignedCheckpoint
from domain.integrity.faults import Fault, FaultKind
from domain.integrity.hashing import (
    ZERO,
    MerkleBuilder,
    claim_link,
    event_hash,
    log_link,
    merkle_leaf,
)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event row as the events table holds it now."""

    position: int
    originator_id: UUID
    version: int
    topic: str
    state: bytes


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """The chain's record of the event written at ``position`` (and the claim's previous hash)."""

    position: int
    originator_id: UUID
    version: int
    event_hash: bytes
    claim_hash: bytes
    log_hash: bytes
    previous_claim_hash: bytes | None


Pair = tuple[StoredEvent | None, ChainEntry | None]
Lookup = Callable[[UUID, int], ChainEntry | None]


class ChainChecker:
    """Checks a stretch of the log that starts after ``anchor`` (a verified checkpoint) or at 0."""

    def __init__(
        self, public_key: Ed25519PublicKey, anchor: SignedCheckpoint | None, lookup: Lookup
    ) -> None:
        self.public_key = public_key
        self.lookup = lookup
        body = anchor.body if anchor else None
        self.position = body.position if body else 0
        self.log_hash = bytes.fromhex(body.log_hash) if body else ZERO
        self.seq = body.seq if body else 0
        self.previous = body.digest() if body else ZERO.hex()
        self.signed_up_to = body.position if body else None
        self.segment_start = self.position
        self.merkle = MerkleBuilder()
        self.checked = 0

    def run(self, pairs: Iterable[Pair], checkpoints: Iterator[SignedCheckpoint]) -> Fault | None:
        """The first fault in ``pairs`` and the ``checkpoints`` among them (sorted by position)."""
        pending = next(checkpoints, None)
        for event, entry in pairs:
            position = event.position if event is not None else entry.position  # type: ignore[union-attr]
            if pending is not None and pending.body.position < position:
                return self._orphan(pending)
            fault = self._entry(event, entry)
            if fault is not None:
                return fault
            self.checked += 1
            if pending is not None and pending.body.position == position:
                fault = self.checkpoint(pending)
                if fault is not None:
                    return fault
                pending = next(checkpoints, None)
        return self._orphan(pending) if pending is not None else None

    def next_body(self, created_at: str) -> CheckpointBody:
        """The checkpoint to sign for what was checked since the last one."""
        return CheckpointBody(
            seq=self.seq + 1,
            position=self.position,
            from_position=self.segment_start,
            events=self.merkle.count,
            log_hash=self.log_hash.hex(),
            merkle_root=self.merkle.root().hex(),
            previous=self.previous,
            created_at=created_at,
        )

    def _entry(self, event: StoredEvent | None, entry: ChainEntry | None) -> Fault | None:
        if entry is None:
            assert event is not None
            detail = "no chain entry: this row was not written by the ledger"
            return Fault(FaultKind.INSERTED, event.position, event.originator_id, detail)
        if event is None:
            detail = f"version {entry.version} was deleted"
            return Fault(FaultKind.MISSING, entry.position, entry.originator_id, detail)
        digest = event_hash(event.originator_id, event.version, event.topic, event.state)
        same_row = event.originator_id == entry.originator_id and event.version == entry.version
        if digest != entry.event_hash or not same_row:
            return self._diagnose(event, entry, digest)
        if claim_link(entry.previous_claim_hash, digest) != entry.claim_hash:
            detail = "the claim hash does not follow from the previous version's (chain edited)"
            return Fault(FaultKind.CHAIN_ALTERED, entry.position, entry.originator_id, detail)
        expected = log_link(self.log_hash, entry.position, digest)
        if expected != entry.log_hash:
            detail = "the log hash does not follow from the previous entry (chain edited or cut)"
            return Fault(FaultKind.CHAIN_ALTERED, entry.position, entry.originator_id, detail)
        self.log_hash = expected
        self.position = entry.position
        self.merkle.add(merkle_leaf(entry.position, digest))
        return None

    def _diagnose(self, event: StoredEvent, entry: ChainEntry, digest: bytes) -> Fault:
        position = event.position
        if event.originator_id != entry.originator_id:
            original = event_hash(entry.originator_id, event.version, event.topic, event.state)
            if original == entry.event_hash:
                detail = f"written for claim {entry.originator_id}, now under {event.originator_id}"
                return Fault(FaultKind.REATTRIBUTED, position, entry.originator_id, detail)
        moved = self.lookup(event.originator_id, event.version)
        if moved is not None and moved.position != position and moved.event_hash == digest:
            detail = f"version {event.version}, written at position {moved.position}, stands here"
            return Fault(FaultKind.REORDERED, position, event.originator_id, detail)
        detail = f"version {entry.version} differs from what was written (topic, state or key)"
        return Fault(FaultKind.MODIFIED, position, entry.originator_id, detail)

    def checkpoint(self, signed: SignedCheckpoint) -> Fault | None:
        """Checks a checkpoint at the current position, then starts a new segment."""
        body = signed.body
        if not signed.signed_by(self.public_key):
            detail = f"checkpoint #{body.seq} is not signed by the ledger's key"
            return Fault(FaultKind.BAD_SIGNATURE, body.position, None, detail)
        if body.seq > self.seq + 1:
            missing = f"#{self.seq + 1}" + (f"..#{body.seq - 1}" if body.seq > self.seq + 2 else "")
            detail = f"checkpoint {missing} before checkpoint #{body.seq} is missing (deleted)"
            return Fault(FaultKind.CHECKPOINT_MISSING, body.position, None, detail)
        follows = (body.seq, body.from_position, body.previous) == (
            self.seq + 1,
            self.segment_start,
            self.previous,
        )
        if not follows:
            detail = f"checkpoint #{body.seq} does not follow checkpoint #{self.seq}"
            return Fault(FaultKind.CHECKPOINT_MISMATCH, body.position, None, detail)
        matches = (body.log_hash, body.merkle_root, body.events) == (
            self.log_hash.hex(),
            self.merkle.root().hex(),
            self.merkle.count,
        )
        if not matches:
            detail = (
                f"positions {body.from_position + 1}..{body.position} differ from signed "
                f"checkpoint #{body.seq} (rewritten together with their chain)"
            )
            return Fault(FaultKind.CHECKPOINT_MISMATCH, body.position, None, detail)
        self.seq, self.previous = body.seq, body.digest()
        self.segment_start = self.signed_up_to = body.position
        self.merkle = MerkleBuilder()
        return None

    def _orphan(self, signed: SignedCheckpoint) -> Fault:
        detail = f"checkpoint #{signed.body.seq} names a position no longer in the log"
        return Fault(FaultKind.CHECKPOINT_MISMATCH, signed.body.position, None, detail)
