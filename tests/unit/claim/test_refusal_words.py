"""Lifecycle refusals speak the domain's words (stages and statuses in words, in English and
Chinese), while ``action`` and ``state`` keep the stored values for programs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import StateGuardError
from domain.vocabulary import Remedy

from .factories import TECH, at, diagnosed, reported


def test_an_item_in_the_wrong_stage_is_named_in_words() -> None:
    with pytest.raises(StateGuardError) as refused:
        diagnosed(Remedy.RETURN).refund(TECH, at(3), 1, Decimal("200"), (), "alipay")
    error = refused.value
    assert str(error) == "cannot refund: item 1 is diagnosed; the item must be return received"
    assert error.detail_zh == "第 1 件商品已检测，不能退款：须为已收到退货"
    assert error.state == "item 1 diagnosed"  # the stored stage, for programs


def test_a_claim_in_the_wrong_status_is_named_in_words() -> None:
    with pytest.raises(StateGuardError) as refused:
        reported().refund(TECH, at(3), 1, Decimal("200"), (), "alipay")
    assert "_" not in str(refused.value)
    assert "in progress" in str(refused.value) and "已登记" in refused.value.detail_zh
