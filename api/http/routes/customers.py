"""Customers: erasing one's personal data (PIPL), for supervisors."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from api.http.deps import LedgerDep, requires
from api.http.routes import api_router
from api.http.schemas.customers import ErasedClaimPublic, ErasurePublic
from api.roles import CUSTOMERS_ERASE
from domain.erasure import erase_customer
from storage.evidence_files import EvidenceFiles
from storage.recorder import datastore_of
from storage.users import User

router = api_router(prefix="/customers", tags=["customers"])


@router.post("/{customer_id}/erase")
def erase_customer_data(
    customer_id: Annotated[str, Path(min_length=1, max_length=100)],
    ledger: LedgerDep,
    user: Annotated[User, requires(CUSTOMERS_ERASE)],
) -> ErasurePublic:
    """Erase a customer's personal data: destroy their key, record it on each of their claims.

    The claims stay readable (personal fields ``null``, ``personal_data: "erased"``),
    statistics and views are unchanged, no stored event is altered. Erasing again
    changes nothing; an unknown customer id is 404.
    """
    erasure = erase_customer(ledger, customer_id, user.actor)
    # The evidence sealed under the destroyed key (invoices) can no longer be opened; drop it.
    EvidenceFiles(datastore_of(ledger)).shred(customer_id)
    return ErasurePublic(
        customer_id=erasure.customer_id,
        erased_at=erasure.erased_at,
        erased_by=erasure.erased_by,
        newly_erased=erasure.newly,
        claims=[ErasedClaimPublic.model_validate(c, from_attributes=True) for c in erasure.claims],
    )
