"""Fault codes and their standard solutions, as versioned data (``versions/*.toml``).

A diagnosis may name a fault code of its item's category (and model, where the
fault is known on some models only); a repair may name the solution it applied,
one of the diagnosed fault's (or, without a fault code, of the item's category).
The codes are recorded on the events, so statistics read which solution fixed what.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from domain.errors import InvalidInputError

VERSIONS_FOLDER = Path(__file__).parent / "versions"


@dataclass(frozen=True)
class Solution:
    """A standard solution: what to do, the parts it is expected to use, its labour."""

    solution_id: str
    fault_code: str
    name_en: str
    name_zh: str
    parts: tuple[str, ...]
    labour_hours: Decimal


@dataclass(frozen=True)
class Fault:
    """A fault met in a category; ``models`` empty means on every model of it."""

    code: str
    category: str
    models: tuple[str, ...]
    name_en: str
    name_zh: str
    solutions: tuple[Solution, ...]

    def applies_to(self, category: str, model: str) -> bool:
        return self.category == category and (not self.models or model in self.models)


class UnknownFaultCodeError(InvalidInputError):
    """A fault code the catalogue does not hold for the item's category and model."""

    def __init__(self, code: str, category: str, model: str, valid: tuple[str, ...]) -> None:
        listed = ", ".join(valid) or "none"
        super().__init__(
            "fault_code",
            f"{code!r} is not a fault code of category {category!r}, model {model!r}; "
            f"valid: {listed}",
            f"故障代码 {code!r} 不属于类别 {category!r}、型号 {model!r}；可用代码：{listed}",
        )
        self.valid = valid


class UnknownSolutionError(InvalidInputError):
    """A solution that is not one of the diagnosed fault's (or the category's)."""

    def __init__(self, solution_id: str, scope: str, valid: tuple[str, ...]) -> None:
        listed = ", ".join(valid) or "none"
        super().__init__(
            "solution_id",
            f"{solution_id!r} is not a standard solution of {scope}; valid: {listed}",
            f"维修方案 {solution_id!r} 不属于 {scope}；可用方案：{listed}",
        )
        self.valid = valid


@dataclass(frozen=True)
class SolutionCatalogue:
    """One edition of the catalogue."""

    version: str
    faults: tuple[Fault, ...]

    def fault(self, code: str) -> Fault | None:
        return next((f for f in self.faults if f.code == code), None)

    def faults_for(self, category: str, model: str) -> tuple[Fault, ...]:
        """The faults a diagnosis of this category and model may name."""
        return tuple(f for f in self.faults if f.applies_to(category, model))

    def solution(self, solution_id: str) -> Solution | None:
        return next(
            (s for f in self.faults for s in f.solutions if s.solution_id == solution_id), None
        )

    def check_fault(self, code: str, category: str, model: str) -> Fault:
        """The fault named by a diagnosis, or UnknownFaultCodeError."""
        fault = self.fault(code)
        if fault is None or not fault.applies_to(category, model):
            valid = tuple(f.code for f in self.faults_for(category, model))
            raise UnknownFaultCodeError(code, category, model, valid)
        return fault

    def check_solution(
        self, solution_id: str, fault_code: str, category: str, model: str
    ) -> Solution:
        """The solution a repair applied: one of the diagnosed fault's, or (no fault
        code diagnosed) of a fault of the item's category and model."""
        fault = self.fault(fault_code) if fault_code else None
        if fault is not None:
            candidates = fault.solutions
            scope = f"fault {fault_code}"
        else:
            candidates = tuple(s for f in self.faults_for(category, model) for s in f.solutions)
            scope = f"category {category!r}, model {model!r}"
        found = next((s for s in candidates if s.solution_id == solution_id), None)
        if found is None:
            raise UnknownSolutionError(solution_id, scope, tuple(s.solution_id for s in candidates))
        return found


def parse_catalogue(document: dict[str, Any]) -> SolutionCatalogue:
    """An edition from its TOML document."""
    faults = []
    for code, raw in document.get("faults", {}).items():
        solutions = tuple(
            Solution(
                solution_id=s["id"],
                fault_code=code,
                name_en=s["name_en"],
                name_zh=s["name_zh"],
                parts=tuple(s.get("parts", ())),
                labour_hours=Decimal(str(s.get("labour_hours", "0"))),
            )
            for s in raw.get("solutions", ())
        )
        faults.append(
            Fault(
                code=code,
                category=raw["category"],
                models=tuple(raw.get("models", ())),
                name_en=raw["name_en"],
                name_zh=raw["name_zh"],
                solutions=solutions,
            )
        )
    ids = [s.solution_id for f in faults for s in f.solutions]
    if len(set(ids)) != len(ids):
        raise ValueError("a solution id is used twice in the catalogue")
    return SolutionCatalogue(version=str(document["version"]), faults=tuple(faults))


def load_catalogue(path: Path) -> SolutionCatalogue:
    with path.open("rb") as file:
        return parse_catalogue(tomllib.load(file))


@cache
def default_catalogue() -> SolutionCatalogue:
    """The newest edition shipped with the package."""
    newest = max(VERSIONS_FOLDER.glob("*.toml"), key=lambda p: p.stem)
    return load_catalogue(newest)
