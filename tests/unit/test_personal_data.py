"""Sealing customers' personal data under their own key, masking it, and erasing it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.claim import Claim
from domain.errors import (
    AlreadyErasedError,
    CustomerErasedError,
    CustomerNotFoundError,
    InvalidInputError,
    SealedDataError,
)
from domain.personal_data import (
    EphemeralCustomerKeys,
    customer_id_for,
    mask,
    open_sealed,
    seal,
    seal_for_claim,
    unseal,
)
from domain.values import Customer, SealedCustomer
from tests.unit.claim.factories import AGENT, at, reported

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
ZHANG = Customer(
    name="张伟",
    phone="13912345678",
    email="zhang.wei@example.com",
    region="浙江",
    address="杭州市西湖区文三路 1 号",
)
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def test_sealed_customer_keeps_only_id_and_region_in_plaintext() -> None:
    sealed_zhang = seal(ZHANG, "c-1", KEY)
    assert (sealed_zhang.customer_id, sealed_zhang.region) == ("c-1", "浙江")
    stored = json.dumps(vars(sealed_zhang), ensure_ascii=False)
    for secret in ("张伟", "13912345678", "zhang.wei", "文三路", "5f20"):
        assert secret not in stored


def test_sealed_data_opens_with_the_customers_key() -> None:
    assert open_sealed(seal(ZHANG, "c-1", KEY), KEY) == replace(ZHANG, customer_id="c-1")


def test_sealing_twice_gives_different_ciphertexts() -> None:
    assert seal(ZHANG, "c-1", KEY).sealed != seal(ZHANG, "c-1", KEY).sealed


def test_sealed_data_does_not_open_with_another_key() -> None:
    with pytest.raises(SealedDataError):
        open_sealed(seal(ZHANG, "c-1", KEY), OTHER_KEY)


def test_sealed_data_cannot_be_passed_off_as_another_customers() -> None:
    moved = replace(seal(ZHANG, "c-1", KEY), customer_id="c-2")
    with pytest.raises(SealedDataError):
        open_sealed(moved, KEY)


def test_an_edited_ciphertext_does_not_open() -> None:
    sealed_zhang = seal(ZHANG, "c-1", KEY)
    edited = sealed_zhang.sealed[:-6] + ("A" if sealed_zhang.sealed[-6] != "A" else "B")
    with pytest.raises(SealedDataError):
        open_sealed(replace(sealed_zhang, sealed=edited + sealed_zhang.sealed[-5:]), KEY)


def test_masked_customer_shows_enough_to_recognise_not_to_contact() -> None:
    masked = mask(ZHANG)
    assert masked.name == "张*"
    assert masked.phone == "*******5678"
    assert masked.email == "z***@example.com"
    assert masked.address == "杭州市****"
    assert masked.region == "浙江"


def test_a_customer_without_an_id_gets_one_per_claim() -> None:
    assert customer_id_for(ZHANG, "LF-1") == "claim:LF-1"
    assert customer_id_for(replace(ZHANG, customer_id="crm-42"), "LF-1") == "crm-42"


def test_the_derived_id_prefix_is_reserved() -> None:
    with pytest.raises(InvalidInputError) as refused:
        customer_id_for(replace(ZHANG, customer_id="claim:LF-2"), "LF-1")
    assert refused.value.field == "customer.customer_id"


def test_one_key_per_customer_across_claims() -> None:
    keys = EphemeralCustomerKeys()
    crm = replace(ZHANG, customer_id="crm-42")
    first = seal_for_claim(keys, crm, reported().id, "C-1")
    second = seal_for_claim(keys, crm, reported().id, "C-2")
    assert unseal(keys, first) == unseal(keys, second) == crm


def test_after_erasure_the_sealed_data_reads_as_erased() -> None:
    keys = EphemeralCustomerKeys()
    sealed_zhang = seal_for_claim(keys, ZHANG, reported().id, "C-1")
    erased = keys.erase("claim:C-1", "boss", NOW)
    assert erased.newly and erased.erased_by == "boss"
    assert keys.key_of("claim:C-1") is None
    assert unseal(keys, sealed_zhang) is None


def test_erasing_twice_changes_nothing() -> None:
    keys = EphemeralCustomerKeys()
    seal_for_claim(keys, ZHANG, reported().id, "C-1")
    first = keys.erase("claim:C-1", "boss", NOW)
    again = keys.erase("claim:C-1", "other", datetime(2026, 11, 21, tzinfo=UTC))
    assert not again.newly
    assert (again.erased_at, again.erased_by) == (first.erased_at, first.erased_by)


def test_erasing_an_unknown_customer_is_refused() -> None:
    with pytest.raises(CustomerNotFoundError):
        EphemeralCustomerKeys().erase("nobody", "boss", NOW)


def test_nothing_new_is_sealed_for_an_erased_customer() -> None:
    keys = EphemeralCustomerKeys()
    crm = replace(ZHANG, customer_id="crm-42")
    seal_for_claim(keys, crm, reported().id, "C-1")
    keys.erase("crm-42", "boss", NOW)
    with pytest.raises(CustomerErasedError):
        seal_for_claim(keys, crm, reported().id, "C-2")


def test_a_claim_refuses_a_plaintext_customer() -> None:
    with pytest.raises(TypeError):
        reported_with(ZHANG)


def test_erasure_is_recorded_even_on_a_closed_claim_and_drops_the_ciphertext() -> None:
    claim = reported()
    claim.withdraw(AGENT, at(1), "customer fixed it")
    claim.erase_personal_data(AGENT, at(2))
    assert claim.personal_data_erased
    assert claim.customer.erased and claim.customer.region == "广东"
    events = [type(e).__name__ for e in claim.collect_events()]
    assert events[-1] == "PersonalDataErased"


def test_erasing_a_claims_personal_data_twice_is_refused() -> None:
    claim = reported()
    claim.erase_personal_data(AGENT, at(1))
    with pytest.raises(AlreadyErasedError):
        claim.erase_personal_data(AGENT, at(2))


def reported_with(customer: Customer | SealedCustomer) -> Claim:
    template = reported()
    return Claim.report(
        claim_number="C-9",
        actor=AGENT,
        occurred_at=template.reported_at,
        kind=template.kind,
        channel=template.channel,
        customer=customer,  # type: ignore[arg-type]
        items=tuple(s.item for s in template.items),
        purchase=template.purchase,
        requested_remedy=None,
        description="",
    )
