"""The tamper-evident ledger: verification, integrity status, public key, claim proofs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request

from api.http.claim_refs import ClaimRef, naming
from api.http.deps import RuntimeDep, requires
from api.http.routes import api_router
from api.http.schemas.ledger import LedgerHeadPublic, PublicKeyPublic, VerificationPublic
from api.http.schemas.times import in_business_time
from api.roles import LEDGER_VERIFY
from api.service.ledger_integrity import LedgerIntegrity
from domain.integrity.head import head_document
from storage.integrity_status import IntegrityStatus
from storage.users import User

router = api_router(tags=["ledger"])
Position = Annotated[int | None, Query(ge=1, le=2**62)]


def get_integrity(request: Request, runtime: RuntimeDep) -> LedgerIntegrity:
    """The integrity operations on the service's ledger (made once, with the signing key)."""
    integrity: LedgerIntegrity | None = getattr(request.app.state, "integrity", None)
    if integrity is None or integrity.ledger is not runtime.ledger:
        integrity = LedgerIntegrity(runtime.ledger, runtime.settings)
        request.app.state.integrity = integrity
    return integrity


IntegrityDep = Annotated[LedgerIntegrity, Depends(get_integrity)]


@router.get("/ledger/verify")
def verify_ledger(
    integrity: IntegrityDep,
    _: Annotated[User, requires(LEDGER_VERIFY)],
    from_position: Annotated[Position, Query(alias="from")] = None,
    to_position: Annotated[Position, Query(alias="to")] = None,
) -> VerificationPublic:
    """Check the ledger, or positions from..to, against its hash chain and signed checkpoints."""
    return VerificationPublic.of(integrity.verify(from_position, to_position))


@router.get("/ledger/status")
def read_integrity_status(
    integrity: IntegrityDep, _: Annotated[User, requires(LEDGER_VERIFY)]
) -> IntegrityStatus:
    """The chain head, the last signed checkpoint and the last verification's outcome."""
    status: IntegrityStatus = in_business_time(integrity.status())
    return status


@router.get("/ledger/head")
def read_ledger_head(
    integrity: IntegrityDep, _: Annotated[User, requires(LEDGER_VERIFY)]
) -> LedgerHeadPublic:
    """The latest signed checkpoint, once signed up to the head: keep it outside the database
    and check the ledger still holds it (`sanbao verify --expect-head FILE`)."""
    return LedgerHeadPublic(**head_document(integrity.signed_head(), integrity.public_key()))


@router.get("/ledger/public-key")
def read_public_key(
    integrity: IntegrityDep, _: Annotated[User, requires(LEDGER_VERIFY)]
) -> PublicKeyPublic:
    """The public key that checks checkpoints and proofs (`sanbao verify-proof --public-key`)."""
    return PublicKeyPublic(public_key=integrity.public_key())


@router.get("/claims/{claim_id}/proof")
def read_claim_proof(
    claim_id: ClaimRef, integrity: IntegrityDep, _: Annotated[User, requires(LEDGER_VERIFY)]
) -> dict[str, Any]:
    """The claim's stored events, their hashes and the signed checkpoints covering them."""
    with naming(claim_id) as found:
        return integrity.proof(found)
