"""Customer schemas at the API edge: the customer as shown, erasure, the access log."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.http.schemas.times import AnswerTime, InBusinessTime
from storage.access_log import AccessRecord

PersonalDataState = Literal["revealed", "masked", "withheld", "erased"]


class CustomerPublic(BaseModel):
    """A claim's customer. Name, phone, email and address are ``null`` unless shown.

    ``personal_data`` says what this answer carries: ``revealed`` (plaintext),
    ``masked`` (e.g. ``刘*``, ``*******8001``), ``withheld`` (the role may not see
    personal data, or the answer never carries it) or ``erased`` (the customer's
    key was destroyed). Every ``revealed`` or ``masked`` answer is in the access log.
    """

    customer_id: str
    region: str
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    personal_data: PersonalDataState


class ErasedClaimPublic(BaseModel):
    claim_id: UUID
    claim_number: str
    version: int
    position: int | None = Field(
        description="ledger position of the PersonalDataErased event written now; "
        "null when it was recorded before"
    )


class ErasurePublic(BaseModel):
    """A customer's erasure: the key is destroyed, each claim says so in its history."""

    customer_id: str
    erased_at: AnswerTime
    erased_by: str
    newly_erased: bool = Field(description="false when the customer had been erased before")
    claims: list[ErasedClaimPublic]


class AccessLogPublic(BaseModel):
    """A page of the access log, newest first; pass ``next_cursor`` back for the next page."""

    data: Annotated[list[AccessRecord], InBusinessTime]
    count: int
    next_cursor: str | None
