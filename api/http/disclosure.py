"""Showing a claim's customer: withheld, masked or revealed by role, every disclosure logged.

Roles with ``personal:read`` (agent, specialist, supervisor) see the customer
masked by default and in full on request (``?reveal=personal&purpose=…``, or
the console's reveal form); the others see the region only. A reveal names its
purpose (``domain.reveal_purposes``: 422 without one) and counts against the
user's hourly limit (``SANBAO_REVEAL_LIMIT_PER_HOUR``: 429 beyond it). Before
an answer carries any personal data, masked or not, the access is recorded and
committed in the access log (``record_access``), so if recording fails (or the
limit refuses it) nothing is shown. Routes mark such answers (``mark_response``:
``X-Personal-Data``, ``Cache-Control: no-store``) so that no cache and no
idempotency replay keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import structlog
from fastapi import Response

from api.http.http_errors import PermissionDeniedError
from api.http.schemas.customers import CustomerPublic
from api.roles import PERSONAL_READ, allows
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.personal_data import SEALED_FIELDS, mask
from domain.reveal_purposes import reveal_purpose
from domain.values import Customer
from storage.access_log import record_access
from storage.idempotency import PERSONAL_DATA_HEADER
from storage.recorder import datastore_of
from storage.users import User


@dataclass(frozen=True)
class RevealRequest:
    """A request to see a customer in clear: the purpose as given, the user's hourly limit."""

    purpose: str | None
    limit_per_hour: int


def _plain_parts(claim: Claim) -> tuple[str, str]:
    customer = claim.customer
    return getattr(customer, "customer_id", ""), customer.region


def withheld_customer(claim: Claim) -> CustomerPublic:
    """The customer without personal data (answers that must not carry any)."""
    customer_id, region = _plain_parts(claim)
    state: Literal["withheld", "erased"] = "erased" if claim.personal_data_erased else "withheld"
    return CustomerPublic(customer_id=customer_id, region=region, personal_data=state)


def disclose_customer(
    ledger: ClaimsLedger,
    user: User,
    claim: Claim,
    route: str,
    reveal: RevealRequest | None = None,
) -> CustomerPublic:
    """The claim's customer as ``user`` may see it; logs the access before returning it.

    Raises PermissionDeniedError when a role without ``personal:read`` asks to reveal,
    PurposeRequiredError when a reveal names no known purpose, RevealLimitError when
    the user reached the hourly limit.
    """
    if not allows(user.role, PERSONAL_READ):
        if reveal is not None:
            raise PermissionDeniedError(user.role.value, PERSONAL_READ)
        return withheld_customer(claim)
    purpose = reveal_purpose(reveal.purpose).value if reveal is not None else None
    plain = None if claim.personal_data_erased else ledger.customer_of(claim)
    customer_id, region = _plain_parts(claim)
    if plain is None:
        return CustomerPublic(customer_id=customer_id, region=region, personal_data="erased")
    shown: Customer = plain if reveal is not None else mask(plain)
    disclosure: Literal["revealed", "masked"] = "revealed" if reveal is not None else "masked"
    record_access(
        datastore_of(ledger),
        user.name,
        user.role.value,
        claim.id,
        [name for name in SEALED_FIELDS if getattr(plain, name)],
        route,
        disclosure=disclosure,
        customer_id=customer_id,
        request_id=structlog.contextvars.get_contextvars().get("request_id"),
        purpose=purpose,
        reveal_limit=reveal.limit_per_hour if reveal is not None else None,
    )
    fields = {name: getattr(shown, name) for name in SEALED_FIELDS}
    return CustomerPublic(
        customer_id=customer_id, region=region, personal_data=disclosure, **fields
    )


def mark_response(response: Response, customer: CustomerPublic) -> None:
    """Marks an answer carrying personal data: never cached, never kept for replays."""
    if customer.personal_data in ("masked", "revealed"):
        response.headers[PERSONAL_DATA_HEADER] = customer.personal_data
        response.headers["Cache-Control"] = "no-store"
