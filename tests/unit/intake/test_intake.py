"""Intake rules: categories the policy knows, model codes and display names."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from eventsourcing.persistence import DecimalAsStr, JSONTranscoder
from hypothesis import given
from hypothesis import strategies as st

from domain.claim import Claim
from domain.errors import InvalidInputError, UnknownCategoryError
from domain.intake import check_categories
from domain.policy import default_policy_book
from domain.transcodings import register_claim_transcodings
from domain.values import MODEL_CODE, Customer, Item
from domain.vocabulary import Channel, ClaimKind
from tests.unit.claim.factories import AGENT, T0, lamp, reported, sealed

POLICY = default_policy_book().in_force(T0.date())


def test_an_item_of_a_category_the_policy_does_not_know_is_refused_naming_the_item() -> None:
    items = (lamp(), replace(lamp("SN-2"), category="fridge"))
    with pytest.raises(UnknownCategoryError) as refused:
        check_categories(items, POLICY)
    assert refused.value.field == "items[1].category"
    assert refused.value.valid == tuple(sorted(POLICY.categories))
    assert "lighting" in str(refused.value)


def test_a_claim_reporting_an_unknown_category_records_nothing() -> None:
    template = reported()
    with pytest.raises(UnknownCategoryError):
        Claim.report(
            claim_number="C-2",
            actor=AGENT,
            occurred_at=T0,
            kind=ClaimKind.REPAIR,
            channel=Channel.PHONE,
            customer=sealed(Customer(name="刘洋", phone="1"), "C-2"),
            items=(replace(lamp(), category="fridge"),),
            purchase=template.purchase,
            requested_remedy=None,
            description="",
            policy=POLICY,
        )


@given(st.sampled_from(sorted(POLICY.categories)))
def test_every_category_the_policy_knows_is_accepted(category: str) -> None:
    check_categories((replace(lamp(), category=category),), POLICY)


def test_a_model_with_a_space_is_refused_with_a_hint_to_use_the_display_name() -> None:
    with pytest.raises(InvalidInputError) as refused:
        Item(model="XD-450 吸顶灯", category="lighting")
    assert refused.value.field == "items.model" and "model_name" in refused.value.reason


@given(st.from_regex(MODEL_CODE, fullmatch=True))
def test_any_model_code_is_accepted_and_kept_as_typed(code: str) -> None:
    assert Item(model=code, category="lighting", model_name="吸顶灯").model == code


@given(st.text(min_size=1).filter(lambda s: not MODEL_CODE.fullmatch(s)))
def test_anything_but_a_model_code_is_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        Item(model=text, category="lighting")


def test_an_item_recorded_before_display_names_loads_with_an_empty_one() -> None:
    transcoder = JSONTranscoder()
    transcoder.register(DecimalAsStr())
    register_claim_transcodings(transcoder)
    stored = json.loads(transcoder.encode(lamp()))
    del stored["_data_"]["model_name"]  # as recorded before display names existed
    item = transcoder.decode(json.dumps(stored).encode())
    assert (item.model, item.model_name) == ("XD-450", "")
