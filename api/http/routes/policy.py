"""The 三包 policy: read a version, or try a decision without recording anything."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.http.deps import LedgerDep, requires
from api.http.routes import api_router
from api.http.schemas.reads import PolicyEvaluation, PolicyPublic
from domain.claim import business_date
from domain.policy import evaluate
from domain.time_window import check_dry_run
from domain.values import CoverageDecision
from storage.users import User

router = api_router(prefix="/policy", tags=["policy"])
Reader = Annotated[User, requires("policy:read")]


@router.get("")
def read_policy(
    ledger: LedgerDep,
    _: Reader,
    version: Annotated[str | None, Query(max_length=50)] = None,
) -> PolicyPublic:
    """Read the policy in force today (China's date by the ledger's clock), or a given version."""
    book = ledger.policies
    document = book.get(version) if version else book.in_force(business_date(ledger.clock()))
    return PolicyPublic(versions=book.versions(), policy=document)


@router.post("/evaluate")
def evaluate_policy(body: PolicyEvaluation, ledger: LedgerDep, _: Reader) -> CoverageDecision:
    """Decide an item's coverage for the given facts (a dry run: nothing is recorded).

    Every date lies between 2000-01-01 and two years from today.
    """
    query = body.to_query()
    check_dry_run(query, ledger.clock())
    book = ledger.policies
    document = book.get(body.version) if body.version else book.in_force(body.reported_on)
    return evaluate(document, query)
