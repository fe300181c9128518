"""The catalogue of standard repair solutions (标准维修方案), by fault code."""

from domain.catalogue.solutions import (
    Fault,
    Solution,
    SolutionCatalogue,
    UnknownFaultCodeError,
    UnknownSolutionError,
    default_catalogue,
    load_catalogue,
)

__all__ = [
    "Fault",
    "Solution",
    "SolutionCatalogue",
    "UnknownFaultCodeError",
    "UnknownSolutionError",
    "default_catalogue",
    "load_catalogue",
]
