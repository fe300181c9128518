"""A reveal's purpose comes from a closed list, named in both languages."""

from __future__ import annotations

import pytest

from domain.errors import PurposeRequiredError
from domain.reveal_purposes import LABELS_ZH, RevealPurpose, reveal_purpose


def test_a_known_purpose_is_read_by_its_code() -> None:
    assert reveal_purpose("process_refund") is RevealPurpose.PROCESS_REFUND


@pytest.mark.parametrize("given", [None, ""])
def test_no_purpose_is_refused_naming_the_field_and_the_choices_in_both_languages(
    given: str | None,
) -> None:
    with pytest.raises(PurposeRequiredError) as refused:
        reveal_purpose(given)
    assert refused.value.field == "purpose"
    assert "must name its purpose" in refused.value.reason
    assert "contact_customer" in refused.value.reason
    assert refused.value.detail_zh.startswith("查看个人信息须说明用途")
    assert "联系客户" in refused.value.detail_zh


@pytest.mark.parametrize("given", ["curiosity", "CONTACT_CUSTOMER", "contact_customer\x00", "²"])
def test_an_unknown_purpose_is_refused_without_echoing_it(given: str) -> None:
    with pytest.raises(PurposeRequiredError) as refused:
        reveal_purpose(given)
    assert "not a known purpose" in str(refused.value)
    assert given not in str(refused.value) and given not in refused.value.detail_zh


def test_every_purpose_has_a_chinese_name() -> None:
    assert set(LABELS_ZH) == set(RevealPurpose)
