"""The policy's closing terms: which claim kinds close only after the customer confirms.

In the policy file::

    [closing]
    confirmation_required = ["complaint"]

The lamp factory's complaint rules (reference 004, chapter 3) end a complaint
only once the customer confirms satisfaction; a document without a ``[closing]``
table asks that of complaints too. An empty list asks it of no kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.policy.toml_values import enum_value, only_keys, place, typed
from domain.vocabulary import ClaimKind


@dataclass(frozen=True)
class ClosingTerms:
    """Claim kinds that close only after ``CustomerConfirmed`` (or a supervisor's override)."""

    confirmation_required: frozenset[ClaimKind] = frozenset({ClaimKind.COMPLAINT})

    def needs_confirmation(self, kind: ClaimKind) -> bool:
        return kind in self.confirmation_required


def parse_closing(data: dict[str, Any], root: str) -> ClosingTerms:
    """The ``[closing]`` table of a policy document; the default when it is absent."""
    if "closing" not in data:
        return ClosingTerms()
    table = typed(data, "closing", dict, root)
    where = place(root, "closing")
    only_keys(table, {"confirmation_required"}, where)
    kinds = typed(table, "confirmation_required", list, where)
    field = place(where, "confirmation_required")
    return ClosingTerms(frozenset(enum_value(ClaimKind, kind, field) for kind in kinds))
