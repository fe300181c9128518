"""All versions of the 三包 policy, and the one in force on a given date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

from domain.errors import InvalidInputError, UnknownPolicyVersionError
from domain.policy.document import PolicyDocument
from domain.policy.parsing import load_document

VERSIONS_FOLDER = Path(__file__).parent / "versions"


class PolicyBook:
    """The policy documents, ordered by the date they take effect."""

    def __init__(self, documents: Iterable[PolicyDocument]) -> None:
        self._documents = tuple(sorted(documents, key=lambda d: d.effective_from))
        if not self._documents:
            raise InvalidInputError("policies", "a policy book needs at least one version")
        for earlier, later in zip(self._documents, self._documents[1:], strict=False):
            # Two versions starting the same day would make "in force" ambiguous.
            if earlier.effective_from == later.effective_from:
                raise InvalidInputError(
                    "effective_from",
                    f"versions {earlier.version} and {later.version} both start "
                    f"{later.effective_from}",
                )
        if len({d.version for d in self._documents}) != len(self._documents):
            raise InvalidInputError("version", "a version appears twice")

    def versions(self) -> list[str]:
        """The versions, oldest first."""
        return [d.version for d in self._documents]

    def get(self, version: str) -> PolicyDocument:
        """The document of that version; UnknownPolicyVersionError if there is none."""
        for document in self._documents:
            if document.version == version:
                return document
        raise UnknownPolicyVersionError(version, self.versions())

    def in_force(self, on: date) -> PolicyDocument:
        """The latest version whose effective_from is on or before the date."""
        in_force = [d for d in self._documents if d.effective_from <= on]
        if not in_force:
            raise UnknownPolicyVersionError(f"in force on {on}", self.versions())
        return in_force[-1]


def load_policies(folder: Path) -> PolicyBook:
    """Reads every ``*.toml`` policy document in the folder."""
    return PolicyBook(load_document(path) for path in sorted(folder.glob("*.toml")))


@cache
def default_policy_book() -> PolicyBook:
    """The policy versions shipped with the package (``domain/policy/versions``)."""
    return load_policies(VERSIONS_FOLDER)
