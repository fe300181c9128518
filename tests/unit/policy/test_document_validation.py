"""A policy document is refused on load when it holds anything not understood."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InvalidInputError
from domain.policy import parse_document

from .builders import shipped_data


def refusal(data: dict[str, Any]) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as refused:
        parse_document(data, "broken.toml")
    return refused.value


def test_unknown_cause_is_refused_naming_the_rule_and_the_known_causes() -> None:
    data = shipped_data()
    data["rules"][0]["when"]["causes"] = ["act_of_god"]
    error = refusal(data)
    assert error.field == "broken.toml: rules[0].when.causes"
    assert "act_of_god" in error.reason and "force_majeure" in error.reason


def test_unknown_remedy_is_refused() -> None:
    data = shipped_data()
    data["rules"][1]["then"]["remedies"] = ["refund"]
    assert refusal(data).field == "broken.toml: rules[1].then.remedies"


def test_unknown_window_is_refused() -> None:
    data = shipped_data()
    data["rules"][9]["when"]["window"] = "fortnight"
    assert "fortnight" in refusal(data).reason


def test_misspelt_key_is_refused_rather_than_ignored() -> None:
    data = shipped_data()
    data["rules"][9]["when"]["windw"] = "return"
    assert "windw" in refusal(data).reason


def test_rule_without_causes_is_refused() -> None:
    data = shipped_data()
    data["rules"][0]["when"]["causes"] = []
    assert "at least one cause" in refusal(data).reason


def test_repeated_rule_id_is_refused() -> None:
    data = shipped_data()
    data["rules"][1]["id"] = data["rules"][0]["id"]
    assert "repeated" in refusal(data).reason


def test_cause_without_a_catch_all_rule_is_refused() -> None:
    data = shipped_data()
    data["rules"] = [r for r in data["rules"] if r["id"] != "quality-warranty-expired"]
    assert "quality_defect" in refusal(data).reason


def test_term_of_the_wrong_type_is_refused() -> None:
    data = shipped_data()
    data["categories"]["lighting"]["warranty_months"] = "twelve"
    assert refusal(data).field == "broken.toml: categories.lighting.warranty_months"


def test_missing_version_is_refused() -> None:
    data = shipped_data()
    del data["version"]
    assert refusal(data).field == "broken.toml: version"


def test_rule_placed_behind_a_catch_all_is_refused_as_dead() -> None:
    data = shipped_data()
    rules = data["rules"]
    expired = next(i for i, r in enumerate(rules) if r["id"] == "quality-warranty-expired")
    rules.insert(expired - 1, rules.pop(expired))
    assert "can never fire" in refusal(data).reason


def test_causes_given_as_a_string_instead_of_a_list_are_refused() -> None:
    data = shipped_data()
    data["rules"][0]["when"]["causes"] = "force_majeure"
    assert refusal(data).field == "broken.toml: rules[0].when.causes"
