"""The standard repair solutions the console suggests on a claim's diagnose and repair forms:
the catalogue's faults for the categories and models of the claim's items, each with its
solutions, their expected parts and labour (``domain/catalogue``)."""

from __future__ import annotations

from domain.catalogue import Fault, default_catalogue
from domain.claim import Claim


def suggested_faults(claim: Claim) -> list[Fault]:
    """The catalogue's faults any item of the claim may be diagnosed with, each once."""
    catalogue = default_catalogue()
    found: dict[str, Fault] = {}
    for state in claim.items:
        for fault in catalogue.faults_for(state.item.category, state.item.model):
            found.setdefault(fault.code, fault)
    return list(found.values())
