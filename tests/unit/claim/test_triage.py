from datetime import date

import pytest

from domain.claim import ClaimStatus
from domain.errors import InvalidInputError, StateGuardError
from domain.vocabulary import ClaimKind, ComplaintGrade, Priority, ProblemCategory, Team

from .factories import AGENT, at, reported


def test_classify_sets_category_priority_and_moves_claim_in_progress() -> None:
    claim = reported()
    claim.classify(AGENT, at(1), ProblemCategory.PRODUCT_FAULT, Priority.HIGH)
    assert claim.problem_category is ProblemCategory.PRODUCT_FAULT
    assert claim.priority is Priority.HIGH
    assert claim.status is ClaimStatus.IN_PROGRESS


def test_complaints_are_graded_general_unless_said_serious() -> None:
    general = reported(kind=ClaimKind.COMPLAINT)
    general.classify(AGENT, at(1), ProblemCategory.SERVICE_COMPLAINT, Priority.NORMAL)
    serious = reported(kind=ClaimKind.COMPLAINT)
    serious.classify(
        AGENT, at(1), ProblemCategory.SERVICE_COMPLAINT, Priority.HIGH, ComplaintGrade.SERIOUS
    )
    assert general.complaint_grade is ComplaintGrade.GENERAL
    assert serious.complaint_grade is ComplaintGrade.SERIOUS


def test_assign_records_team_and_assignee() -> None:
    claim = reported()
    claim.assign(AGENT, at(1), Team.TECHNICAL_SUPPORT, "li.qiang")
    assert (claim.team, claim.assignee) == (Team.TECHNICAL_SUPPORT, "li.qiang")


def test_assign_without_assignee_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        reported().assign(AGENT, at(1), Team.TECHNICAL_SUPPORT, " ")


def test_the_first_response_is_recorded_once_and_keeps_its_promise() -> None:
    claim = reported()
    claim.acknowledge(AGENT, at(1), "received", date(2026, 11, 5))
    with pytest.raises(StateGuardError, match="first response was already recorded"):
        claim.acknowledge(AGENT, at(5), "update", None)
    assert claim.acknowledged_at == at(1)
    assert claim.promised_by == date(2026, 11, 5)


def test_promise_before_the_acknowledgement_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        reported().acknowledge(AGENT, at(1), "received", date(2026, 11, 1))
    assert refused.value.field == "promised_by"
