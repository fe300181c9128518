"""Intake rules for reported items: categories the policy knows.

A category the policy in force has no terms for would leave the claim
undecidable ("no rules for category 'fridge'") and would show up in every
statistic, so it is refused when the item is reported, naming the item.
Model codes are checked by ``domain.values.Item`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.errors import UnknownPolicyVersionError
from domain.policy.book import PolicyBook
from domain.policy.document import PolicyDocument
from domain.values import Item


def intake_policy(book: PolicyBook, reported_on: date) -> PolicyDocument:
    """The version that checks a report: the one in force that day, or, for a claim
    reported before the first version (imported history), the first version."""
    try:
        return book.in_force(reported_on)
    except UnknownPolicyVersionError:
        return book.get(book.versions()[0])


def check_categories(items: Iterable[Item], policy: PolicyDocument) -> None:
    """Raises UnknownCategoryError (naming ``items[i].category``) for the first item whose
    category the policy does not know."""
    for index, item in enumerate(items):
        policy.terms_for(item.category, field=f"items[{index}].category")
