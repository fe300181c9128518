"""Schemas of the ledger's integrity answers."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from domain.integrity.faults import VerificationReport


class FaultPublic(BaseModel):
    """The first thing found wrong: its kind, where, which claim, and what."""

    kind: str
    position: int | None
    claim_id: UUID | None
    detail: str


class VerificationPublic(BaseModel):
    """One verification run: intact up to ``last_good`` with ``head_hash``, or the first fault."""

    intact: bool
    summary: str
    from_position: int
    to_position: int
    checked: int
    last_good: int
    head_hash: str
    signed_up_to: int | None
    snapshots_checked: int
    seconds: float
    events_per_second: float
    fault: FaultPublic | None

    @classmethod
    def of(cls, report: VerificationReport) -> VerificationPublic:
        fault = report.fault
        return cls(
            intact=report.intact,
            summary=report.summary(),
            from_position=report.from_position,
            to_position=report.to_position,
            checked=report.checked,
            last_good=report.last_good,
            head_hash=report.head_hash,
            signed_up_to=report.signed_up_to,
            snapshots_checked=report.snapshots_checked,
            seconds=report.seconds,
            events_per_second=report.events_per_second,
            fault=FaultPublic(
                kind=fault.kind.value,
                position=fault.position,
                claim_id=fault.claim_id,
                detail=fault.detail,
            )
            if fault
            else None,
        )


class PublicKeyPublic(BaseModel):
    """The base64 Ed25519 public key that checks checkpoints and claim proofs."""

    public_key: str
    algorithm: str = "Ed25519"


class LedgerHeadPublic(BaseModel):
    """The latest signed checkpoint, kept outside the database (``sanbao verify --expect-head``)."""

    format: str
    seq: int
    position: int
    log_hash: str
    checkpoint: str
    signature: str
    public_key: str
