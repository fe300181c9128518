"""Claim numbers the ledger gives: short and sequential per prefix and year, ``SB-2026-000123``.

The counter lives with the ledger's records (``storage.claim_numbers``), which
hands out each serial once, also to concurrent reports; a report refused after
its number was drawn leaves a gap, as sequences do. ``SB-YYYY-NNNNNN`` is the
ledger's own form: a caller naming its own claim number may not use it.
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

from domain.errors import InvalidInputError

PREFIX = "SB"
GENERATED = re.compile(rf"{PREFIX}-\d{{4}}-\d{{6,}}")


class ClaimNumbers(Protocol):
    def next_serial(self, prefix: str, year: int) -> int:
        """The next serial for ``prefix`` in ``year`` (1, 2, …), never handed out twice."""
        ...


class InMemoryClaimNumbers:
    """Counters in memory, for the in-memory ledger and tests."""

    def __init__(self) -> None:
        self.last: dict[tuple[str, int], int] = {}
        self.lock = threading.Lock()

    def next_serial(self, prefix: str, year: int) -> int:
        with self.lock:
            serial = self.last.get((prefix, year), 0) + 1
            self.last[(prefix, year)] = serial
            return serial


def generated_number(numbers: ClaimNumbers, year: int) -> str:
    return f"{PREFIX}-{year}-{numbers.next_serial(PREFIX, year):06d}"


def check_own_number(claim_number: str | None) -> None:
    """Refuses a caller's claim number in the ledger's own form (it could take a later one)."""
    if claim_number and GENERATED.fullmatch(claim_number):
        raise InvalidInputError(
            "claim_number",
            f"{claim_number}: {PREFIX}-YYYY-NNNNNN numbers are the ledger's own; "
            "leave claim_number out to be given one",
        )
