"""Sealing customers' personal data under per-customer keys (crypto-shredding).

A customer's name, phone, email and address are encrypted with AES-256-GCM
under a key of their own before any event records them; the ciphertext is bound
to the customer id (associated data), so it cannot be passed off as another
customer's. Keys live outside the events, behind the ``CustomerKeys`` interface
(PostgreSQL in the service, memory in tests); destroying a customer's key makes
every event that sealed their data unreadable for good, without changing any
stored event. Nothing here does I/O.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import (
    CustomerErasedError,
    CustomerNotFoundError,
    InvalidInputError,
    SealedDataError,
)
from domain.values import Customer, SealedCustomer

SEALED_FIELDS = ("name", "phone", "email", "address")
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
FORMAT = "v1:"  # the sealing scheme, so it can change without confusing old events
DERIVED_PREFIX = "claim:"


@dataclass(frozen=True)
class ErasedKey:
    """The outcome of destroying a customer's key: when, by whom, and their claims."""

    customer_id: str
    erased_at: datetime
    erased_by: str
    claim_ids: tuple[UUID, ...]
    newly: bool
    """False when the key had already been destroyed (erasing twice changes nothing)."""


class CustomerKeys(Protocol):
    """Where customers' keys are kept; implementations do the storing."""

    def key_for_claim(self, customer_id: str, claim_id: UUID, claim_number: str) -> bytes:
        """The customer's key (made on first use), noting that it seals data for the claim.

        Raises CustomerErasedError once the customer was erased.
        """
        ...

    def key_of(self, customer_id: str) -> bytes | None:
        """The customer's key, or None when it was destroyed (or never made)."""
        ...

    def erase(self, customer_id: str, erased_by: str, at: datetime) -> ErasedKey:
        """Destroys the customer's key; CustomerNotFoundError when none was ever made."""
        ...


def customer_id_for(customer: Customer, claim_number: str) -> str:
    """The caller's customer id, or one derived from the claim (erasable per claim)."""
    derived = f"{DERIVED_PREFIX}{claim_number}"
    given = customer.customer_id
    if given.startswith(DERIVED_PREFIX) and given != derived:
        raise InvalidInputError("customer.customer_id", f"the prefix {DERIVED_PREFIX} is reserved")
    return given or derived


def seal(customer: Customer, customer_id: str, key: bytes) -> SealedCustomer:
    """The customer with name, phone, email and address encrypted under ``key``."""
    plain = json.dumps(
        {name: getattr(customer, name) for name in SEALED_FIELDS},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plain, _associated(customer_id))
    token = base64.b64encode(nonce + ciphertext).decode()
    return SealedCustomer(customer_id=customer_id, region=customer.region, sealed=FORMAT + token)


def open_sealed(sealed: SealedCustomer, key: bytes) -> Customer:
    """The plaintext customer; SealedDataError if the ciphertext does not open with the key."""
    if not sealed.sealed.startswith(FORMAT):
        raise SealedDataError(f"customer {sealed.customer_id}: unknown sealing format")
    raw = base64.b64decode(sealed.sealed.removeprefix(FORMAT))
    try:
        plain = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated(sealed.customer_id)
        )
    except InvalidTag:
        raise SealedDataError(
            f"customer {sealed.customer_id}: sealed data does not open with the customer's key"
        ) from None
    fields = json.loads(plain)
    # Built without __init__'s checks: a fact valid when sealed stays readable.
    customer: Customer = object.__new__(Customer)
    customer.__dict__.update(fields, region=sealed.region, customer_id=sealed.customer_id)
    return customer


def _associated(customer_id: str) -> bytes:
    return f"sanbao-customer:{customer_id}".encode()


def seal_for_claim(
    keys: CustomerKeys, customer: Customer, claim_id: UUID, claim_number: str
) -> SealedCustomer:
    """Seals the customer of a new claim under their key (made on first use)."""
    customer_id = customer_id_for(customer, claim_number)
    return seal(customer, customer_id, keys.key_for_claim(customer_id, claim_id, claim_number))


def unseal(keys: CustomerKeys, customer: SealedCustomer | Customer) -> Customer | None:
    """The plaintext customer, or None once their personal data was erased.

    A ``Customer`` (a claim recorded before personal data was sealed) is returned as is.
    """
    if isinstance(customer, Customer):
        return customer
    if customer.erased:
        return None
    key = keys.key_of(customer.customer_id)
    return None if key is None else open_sealed(customer, key)


def mask(customer: Customer) -> Customer:
    """The customer as staff see them by default: enough to recognise, not to contact."""
    name = customer.name[:1] + "*" * (len(customer.name) - 1) if len(customer.name) > 1 else "*"
    phone = customer.phone[-4:].rjust(len(customer.phone), "*") if customer.phone else ""
    if len(customer.phone) <= 4:
        phone = "*" * len(customer.phone)
    local, at, domain = customer.email.partition("@")
    email = f"{local[:1]}***{at}{domain}" if customer.email else ""
    address = customer.address[:3] + "****" if customer.address else ""
    return replace(customer, name=name, phone=phone, email=email, address=address)


class EphemeralCustomerKeys:
    """Keys in memory, for the in-memory ledger and tests (they die with the process)."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes | None] = {}
        self.claims: dict[str, dict[UUID, str]] = {}
        self.erasures: dict[str, tuple[datetime, str]] = {}

    def key_for_claim(self, customer_id: str, claim_id: UUID, claim_number: str) -> bytes:
        if customer_id not in self.keys:
            self.keys[customer_id] = AESGCM.generate_key(KEY_BYTES * 8)
        key = self.keys[customer_id]
        if key is None:
            raise CustomerErasedError(customer_id)
        self.claims.setdefault(customer_id, {})[claim_id] = claim_number
        return key

    def key_of(self, customer_id: str) -> bytes | None:
        return self.keys.get(customer_id)

    def erase(self, customer_id: str, erased_by: str, at: datetime) -> ErasedKey:
        if customer_id not in self.keys:
            raise CustomerNotFoundError(customer_id)
        newly = self.keys[customer_id] is not None
        if newly:
            self.keys[customer_id] = None
            self.erasures[customer_id] = (at, erased_by)
        erased_at, by = self.erasures[customer_id]
        claim_ids = tuple(self.claims.get(customer_id, {}))
        return ErasedKey(customer_id, erased_at, by, claim_ids, newly)
