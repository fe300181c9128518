"""The ledger's hashes: one event, a claim's chain, the log's chain, Merkle trees.

The encoding mirrors ``migrations/0008.ledger-chain.sql`` (its functions
redeclared, same bodies, by ``0029.ledger-chain-cheaper-appends.sql``), which
computes the same hashes in PostgreSQL when an event is written; the two must
not drift.

- event hash: SHA-256 over a tag and the stored row, every field length- or
  size-prefixed so no two rows encode alike (``position`` is left out, so a row
  moved to another position keeps its hash and can be recognised as moved);
- claim hash: the previous version's claim hash and the event hash;
- log hash: the previous log hash, the position and the event hash;
- Merkle trees as in RFC 6962/9162 (leaf ``0x00``, node ``0x01`` prefixes),
  over the log entries between two checkpoints, for per-claim inclusion proofs.
"""

from __future__ import annotations

from hashlib import sha256
from struct import Struct
from uuid import UUID

ZERO = bytes(32)
EVENT_TAG = b"sanbao.event.v1"
SNAPSHOT_TAG = b"sanbao.snapshot.v1"
_VERSION_AND_LENGTH = Struct(">qi")  # int8 version, int4 topic length (big-endian, signed)
_LENGTH = Struct(">i")
_POSITION = Struct(">q")


def row_digest(tag: bytes, originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    """SHA-256 of a stored row (event or snapshot) in the ledger's canonical encoding."""
    encoded_topic = topic.encode("utf-8")
    digest = sha256(tag)
    digest.update(originator_id.bytes)
    digest.update(_VERSION_AND_LENGTH.pack(version, len(encoded_topic)))
    digest.update(encoded_topic)
    digest.update(_LENGTH.pack(len(state)))
    digest.update(state)
    return digest.digest()


def event_hash(originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    """The hash of one stored event row (its position is bound by the log hash)."""
    return row_digest(EVENT_TAG, originator_id, version, topic, state)


def snapshot_hash(originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    """The hash of one stored snapshot row."""
    return row_digest(SNAPSHOT_TAG, originator_id, version, topic, state)


def claim_link(previous_claim_hash: bytes | None, event_digest: bytes) -> bytes:
    """A claim's chain after one more event (``None`` before its first event)."""
    return sha256((previous_claim_hash or ZERO) + event_digest).digest()


def log_link(previous_log_hash: bytes, position: int, event_digest: bytes) -> bytes:
    """The whole log's chain after the event at ``position``."""
    return sha256(previous_log_hash + _POSITION.pack(position) + event_digest).digest()


def merkle_leaf(position: int, event_digest: bytes) -> bytes:
    """A Merkle leaf: one log entry (position and event hash)."""
    return sha256(b"\x00" + _POSITION.pack(position) + event_digest).digest()


def merkle_node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


class MerkleBuilder:
    """The RFC 6962 root of a stream of leaves, in O(log n) memory (a stack of peaks)."""

    def __init__(self) -> None:
        self.peaks: list[tuple[int, bytes]] = []
        self.count = 0

    def add(self, leaf: bytes) -> None:
        size, digest = 1, leaf
        while self.peaks and self.peaks[-1][0] == size:
            _, left = self.peaks.pop()
            digest = merkle_node(left, digest)
            size *= 2
        self.peaks.append((size, digest))
        self.count += 1

    def root(self) -> bytes:
        """The tree's root; the hash of nothing for no leaves."""
        if not self.peaks:
            return sha256(b"").digest()
        digest = self.peaks[-1][1]
        for _, left in reversed(self.peaks[:-1]):
            digest = merkle_node(left, digest)
        return digest


def merkle_root(leaves: list[bytes]) -> bytes:
    builder = MerkleBuilder()
    for leaf in leaves:
        builder.add(leaf)
    return builder.root()


def inclusion_path(leaves: list[bytes], index: int) -> list[bytes]:
    """The audit path of ``leaves[index]`` (RFC 6962 §2.1.1), nearest sibling first."""
    if len(leaves) <= 1:
        return []
    split = 1 << ((len(leaves) - 1).bit_length() - 1)  # largest power of two < n
    if index < split:
        return [*inclusion_path(leaves[:split], index), merkle_root(leaves[split:])]
    return [*inclusion_path(leaves[split:], index - split), merkle_root(leaves[:split])]


def root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    """The root a leaf and its audit path lead to (RFC 9162 §2.1.3.2); None if malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, digest = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            digest = merkle_node(sibling, digest)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            digest = merkle_node(digest, sibling)
        fn >>= 1
        sn >>= 1
    return digest if sn == 0 else None
