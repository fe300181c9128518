import pytest

from domain.errors import InvalidInputError
from domain.text import check_arguments
from domain.values import Customer


def test_nul_anywhere_in_the_arguments_is_refused_with_its_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_arguments({"customer": Customer(name="A\x00B", phone="1")})
    assert refused.value.field == "customer.name"


def test_nul_inside_a_sequence_names_its_position() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_arguments({"parts": ("ok", "bad\x00")})
    assert refused.value.field == "parts[1]"


def test_ordinary_text_passes() -> None:
    check_arguments({"text": "已收到，正在处理", "lines": ("a", "b"), "n": 3})
