"""What verification finds: the first fault, or an intact range, as a report."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.errors import SanbaoError


class FaultKind(StrEnum):
    """How the stored ledger differs from what was written and signed."""

    MODIFIED = "modified"  # an event row's content changed
    MISSING = "missing"  # an event row was deleted
    INSERTED = "inserted"  # an event row the ledger never wrote (no chain entry)
    REORDERED = "reordered"  # an event row moved to another position
    REATTRIBUTED = "re-attributed"  # an event row moved to another claim
    CHAIN_ALTERED = "chain-altered"  # the chain itself was edited or rebuilt
    CHECKPOINT_MISMATCH = "checkpoint-mismatch"  # the log differs from a signed checkpoint
    CHECKPOINT_MISSING = "checkpoint-missing"  # a signed checkpoint was deleted
    TRUNCATED = "truncated"  # the log ends before a position that was signed or verified
    HEAD_MISSING = "head-missing"  # the ledger no longer holds the head kept outside it
    BAD_SIGNATURE = "bad-signature"  # a checkpoint not signed by the ledger's key
    SNAPSHOT_MODIFIED = "snapshot-modified"  # a snapshot differs from what was written
    SNAPSHOT_FORGED = "snapshot-forged"  # a snapshot the ledger never wrote


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    position: int | None
    claim_id: UUID | None
    detail: str

    def describe(self) -> str:
        where = f"position {self.position}" if self.position is not None else "snapshot"
        claim = f", claim {self.claim_id}" if self.claim_id else ""
        return f"{where}{claim}: {self.kind.value}: {self.detail}"


@dataclass(frozen=True)
class VerificationReport:
    """One verification run over ``(from_position, to_position]``.

    ``last_good`` is the last position found intact, ``head_hash`` the log hash
    there, ``signed_up_to`` the last position covered by a checkpoint checked on
    the way (None if none was).
    """

    from_position: int
    to_position: int
    checked: int
    last_good: int
    head_hash: str
    signed_up_to: int | None
    fault: Fault | None
    seconds: float
    snapshots_checked: int = 0

    @property
    def intact(self) -> bool:
        return self.fault is None

    @property
    def events_per_second(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        if self.fault is None:
            return f"intact up to position {self.last_good}, head hash {self.head_hash}"
        return f"NOT intact: {self.fault.describe()} (intact up to position {self.last_good})"


class LedgerIntegrityError(SanbaoError):
    """Raised when the ledger is asked to sign or prove a stretch of log that is not intact."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        super().__init__(f"the ledger is not intact at {fault.describe()}")


class NothingSignedError(SanbaoError, LookupError):
    """Raised when a signed head is asked of a ledger with no events, so no checkpoint."""

    def __init__(self) -> None:
        super().__init__("the ledger is empty: nothing is signed yet")
        self.detail_zh = "账本为空：尚无已签名的检查点"
