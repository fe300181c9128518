"""The 三包 policy: versioned documents as data, and a pure evaluation of claims.

    book = default_policy_book()
    decision = evaluate(book.in_force(query.reported_on), query)
    check_remedy(decision, Remedy.EXCHANGE)

Each version lives in ``versions/<version>.toml``; its rules are tried in file
order and the first that matches decides.
"""

from domain.policy.book import PolicyBook, default_policy_book, load_policies
from domain.policy.document import (
    Conditions,
    Outcome,
    PolicyDocument,
    ProofCondition,
    Rule,
    Terms,
    Window,
)
from domain.policy.evaluation import check_remedy, evaluate
from domain.policy.parsing import load_document, parse_document

__all__ = [
    "Conditions",
    "Outcome",
    "PolicyBook",
    "PolicyDocument",
    "ProofCondition",
    "Rule",
    "Terms",
    "Window",
    "check_remedy",
    "default_policy_book",
    "evaluate",
    "load_document",
    "load_policies",
    "parse_document",
]
