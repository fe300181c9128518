"""Claim references: a claim is addressed by its number (``LF-2026-0001``) or its id (UUID).

A claim's id derives from its number (``Claim.create_id``), so a number turns
into an id without a lookup; whether that claim exists is the ledger's to say,
and a refusal names the reference as the caller typed it, never the id made
from it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

from fastapi import Path, Query

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import ClaimNotFoundError

REFERENCE_DESCRIPTION = "the claim's number (`LF-2026-0001`) or its id (UUID)"

ClaimRef = Annotated[str, Path(min_length=1, max_length=64, description=REFERENCE_DESCRIPTION)]
"""A path's claim reference: a number or an id."""

ClaimRefQuery = Annotated[
    str | None, Query(min_length=1, max_length=64, description=REFERENCE_DESCRIPTION)
]
"""A filter's claim reference: a number or an id."""


@functools.lru_cache(maxsize=4096)
def claim_id_of(reference: str) -> UUID:
    """The id of the claim ``reference`` names (an id as it is, a number turned into its id);
    remembered, as the claims in work are addressed again and again (a uuid5 is a SHA-1)."""
    if len(reference) == 36 and reference.count("-") == 4:
        try:
            return UUID(reference)
        except ValueError:
            pass
    return Claim.create_id(reference)


@contextmanager
def naming(reference: str) -> Iterator[UUID]:
    """The claim's id; a ``ClaimNotFoundError`` inside names ``reference`` as typed."""
    claim_id = claim_id_of(reference)
    try:
        yield claim_id
    except ClaimNotFoundError as error:  # a version or a time it lacks too
        given, made = reference, str(claim_id)
        if given != made and made in str(error):
            error.args = (str(error).replace(made, given),)
            error.reference = str(error.reference).replace(made, given)
        raise


def existing_claim_id(ledger: ClaimsLedger, reference: str) -> UUID:
    """The id of an existing claim (a filter's), or ``ClaimNotFoundError`` naming the reference."""
    claim_id = claim_id_of(reference)
    if not list(ledger.events.get(claim_id, limit=1)):
        raise ClaimNotFoundError(reference)
    return claim_id
