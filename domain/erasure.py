"""Erasing a customer's personal data (PIPL): destroy their key, then say so on each claim.

The key goes first: from that moment no process can open the customer's sealed
data. Then each of their claims gets a ``PersonalDataErased`` event (actor and
time) through the ledger, so the history tells who erased what and when. No
stored event is changed or deleted. Erasing again destroys nothing more and
records only what a first run did not finish (a claim whose event is missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import AlreadyErasedError, ClaimNotFoundError, ConcurrencyConflictError
from domain.values import Actor


@dataclass(frozen=True)
class ErasedClaim:
    """One claim of the erased customer: its version after erasure and where it was recorded."""

    claim_id: UUID
    claim_number: str
    version: int
    position: int | None
    """The ledger position of the PersonalDataErased event written now; None if already there."""


@dataclass(frozen=True)
class Erasure:
    """What erasing a customer did."""

    customer_id: str
    erased_at: datetime
    erased_by: str
    newly: bool
    """False when the customer had already been erased (nothing was destroyed this time)."""
    claims: tuple[ErasedClaim, ...]


def erase_customer(ledger: ClaimsLedger, customer_id: str, actor: Actor) -> Erasure:
    """Destroys the customer's key and records the erasure on each of their claims.

    Raises CustomerNotFoundError for a customer id no claim ever sealed data for.
    """
    at = ledger.clock()
    key = ledger.customer_keys.erase(customer_id, actor.user_id, at)
    claims = []
    for claim_id in key.claim_ids:
        erased = _record_on_claim(ledger, claim_id, customer_id, actor)
        if erased is not None:
            claims.append(erased)
    return Erasure(customer_id, key.erased_at, key.erased_by, key.newly, tuple(claims))


def _record_on_claim(
    ledger: ClaimsLedger, claim_id: UUID, customer_id: str, actor: Actor
) -> ErasedClaim | None:
    try:
        claim = ledger.get_claim(claim_id)
    except ClaimNotFoundError:
        return None  # the key was made, but the report was never saved
    if getattr(claim.customer, "customer_id", None) != customer_id:
        return None  # the claim number went to another report (a refused duplicate)
    if claim.personal_data_erased:
        return _already(claim)

    def erase(current: Claim) -> None:
        current.erase_personal_data(actor, ledger.clock())

    try:
        result = ledger.execute(claim_id, erase)
    except AlreadyErasedError:
        return _already(ledger.get_claim(claim_id))
    except ConcurrencyConflictError as conflict:
        # A concurrent erasure recorded it first: that is the outcome wanted.
        if not isinstance(conflict.__cause__, AlreadyErasedError):
            raise
        return _already(ledger.get_claim(claim_id))
    return ErasedClaim(result.claim_id, result.claim_number, result.version, result.position)


def _already(claim: Claim) -> ErasedClaim:
    return ErasedClaim(claim.id, claim.claim_number, claim.version, None)
