"""Policy versions as files: listing, lookup by version and the version in force."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from domain.errors import InvalidInputError, UnknownPolicyVersionError
from domain.policy import PolicyBook, default_policy_book, load_document, load_policies
from domain.policy.book import VERSIONS_FOLDER

from .builders import POLICY, decide


def with_later_version(folder: Path) -> Path:
    """A folder holding the shipped 2026.1 and a 2026.2 in force from 1 July 2026."""
    shutil.copy(VERSIONS_FOLDER / "2026.1.toml", folder)
    text = (VERSIONS_FOLDER / "2026.1.toml").read_text(encoding="utf-8")
    text = text.replace('version = "2026.1"', 'version = "2026.2"')
    text = text.replace("effective_from = 2026-01-01", "effective_from = 2026-07-01")
    (folder / "2026.2.toml").write_text(text, encoding="utf-8")
    return folder


def test_default_book_lists_the_shipped_versions() -> None:
    assert default_policy_book().versions() == ["2026.1"]


def test_a_version_is_found_by_its_name() -> None:
    policy = default_policy_book().get("2026.1")
    assert (policy.version, policy.effective_from) == ("2026.1", date(2026, 1, 1))


def test_unknown_version_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(UnknownPolicyVersionError, match="2026.1"):
        default_policy_book().get("1999.1")


def test_every_version_in_the_folder_is_loaded_oldest_first(tmp_path: Path) -> None:
    assert load_policies(with_later_version(tmp_path)).versions() == ["2026.1", "2026.2"]


def test_version_in_force_is_the_latest_effective_on_or_before_the_date(tmp_path: Path) -> None:
    book = load_policies(with_later_version(tmp_path))
    assert book.in_force(date(2026, 6, 30)).version == "2026.1"
    assert book.in_force(date(2026, 7, 1)).version == "2026.2"


def test_no_version_is_in_force_before_the_first_took_effect() -> None:
    with pytest.raises(UnknownPolicyVersionError):
        default_policy_book().in_force(date(2025, 12, 31))


def test_two_versions_taking_effect_the_same_day_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="both start"):
        PolicyBook([POLICY, load_document(VERSIONS_FOLDER / "2026.1.toml")])


def test_a_file_must_be_named_after_its_version(tmp_path: Path) -> None:
    misnamed = tmp_path / "2026.9.toml"
    shutil.copy(VERSIONS_FOLDER / "2026.1.toml", misnamed)
    with pytest.raises(InvalidInputError, match="file name"):
        load_document(misnamed)


def test_a_decision_names_the_policy_version_and_rule() -> None:
    decision = decide(day=2)
    assert (decision.policy_version, decision.rule_id) == ("2026.1", "quality-return-7d")


def test_a_decision_can_be_explained_from_its_rule_id() -> None:
    decision = decide(day=30)
    assert POLICY.rule(decision.rule_id).explanation in decision.explanation


def test_categories_inherit_the_defaults_they_do_not_override() -> None:
    appliance = POLICY.terms_for("large_appliance")
    assert (appliance.warranty_months, appliance.return_days, appliance.exchange_days) == (
        24,
        7,
        15,
    )


def test_rates_are_read_as_exact_decimals() -> None:
    terms = POLICY.terms_for("lighting")
    assert terms.daily_depreciation_rate == Decimal("0.004")
    assert terms.negotiated_discount == Decimal("0.8")


def test_the_policy_names_the_five_product_families() -> None:
    assert set(POLICY.categories) >= {
        "lighting",
        "electronics",
        "large_appliance",
        "apparel",
        "furniture",
    }
