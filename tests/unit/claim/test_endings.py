from datetime import date

import pytest

from domain.application import history_entry
from domain.claim import ClaimStatus
from domain.errors import ClaimClosedError, InvalidInputError, LifecycleError
from domain.values import Evidence
from domain.vocabulary import (
    Cause,
    ClaimKind,
    EscalationReason,
    PauseReason,
    Priority,
    ProblemCategory,
    RepairMode,
    Team,
)

from .factories import AGENT, TECH, at, diagnosed, repaired, reported

SHA = "a" * 64


def closed():  # type: ignore[no-untyped-def]
    claim = repaired()
    claim.close(AGENT, at(10), "done")
    return claim


def test_survey_before_resolution_is_refused() -> None:
    with pytest.raises(LifecycleError, match="not resolved"):
        diagnosed().survey(AGENT, at(5), 5)


def test_survey_after_resolution_records_the_score_once() -> None:
    claim = repaired()
    claim.survey(AGENT, at(5), 4, "ok")
    assert claim.satisfaction == 4
    with pytest.raises(LifecycleError, match="already surveyed"):
        claim.survey(AGENT, at(6), 5)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_survey_score_must_be_between_1_and_5(score: int) -> None:
    with pytest.raises(InvalidInputError) as refused:
        repaired().survey(AGENT, at(5), score)
    assert refused.value.field == "score"


def test_customer_confirmation_and_follow_up_after_resolution() -> None:
    claim = repaired()
    claim.confirm(AGENT, at(5))
    claim.follow_up(AGENT, at(6), "works")
    assert claim.confirmed and claim.followed_up
    with pytest.raises(LifecycleError, match="already confirmed"):
        claim.confirm(AGENT, at(7))


def test_confirmation_before_resolution_is_refused() -> None:
    with pytest.raises(LifecycleError):
        diagnosed().confirm(AGENT, at(5))


def test_complaint_is_resolved_by_a_proposed_resolution() -> None:
    from domain.vocabulary import Cause

    claim = reported(kind=ClaimKind.COMPLAINT)
    claim.classify(AGENT, at(1), ProblemCategory.SERVICE_COMPLAINT, Priority.NORMAL)
    claim.diagnose(AGENT, at(2), "re-dispatch and apologise", Cause.SERVICE_FAILURE)
    assert claim.status is ClaimStatus.RESOLVED


def test_close_before_resolution_is_refused() -> None:
    with pytest.raises(LifecycleError) as refused:
        diagnosed().close(AGENT, at(5), "done")
    assert refused.value.action == "close"
    assert refused.value.state == "in_progress"


@pytest.mark.parametrize(
    "action",
    [
        lambda c: c.classify(AGENT, at(11), ProblemCategory.PRODUCT_FAULT, Priority.LOW),
        lambda c: c.assign(AGENT, at(11), Team.TECHNICAL_SUPPORT, "x"),
        lambda c: c.acknowledge(AGENT, at(11), "hi", None),
        lambda c: c.add_note(AGENT, at(11), "note"),
        lambda c: c.attach_evidence(AGENT, at(11), Evidence(SHA, "image/jpeg")),
        lambda c: c.escalate(AGENT, at(11), EscalationReason.OVERDUE),
        lambda c: c.pause_sla(AGENT, at(11), PauseReason.WAITING_ON_CUSTOMER),
        lambda c: c.survey(AGENT, at(11), 5),
        lambda c: c.confirm(AGENT, at(11)),
        lambda c: c.follow_up(AGENT, at(11), "x"),
        lambda c: c.close(AGENT, at(11), "again"),
        lambda c: c.reject(AGENT, at(11), "no"),
        lambda c: c.withdraw(AGENT, at(11), "no"),
        lambda c: c.start_repair(TECH, at(11), 1, RepairMode.ON_SITE),
    ],
)
def test_a_closed_claim_accepts_only_reopen(action) -> None:  # type: ignore[no-untyped-def]
    claim = closed()
    version = claim.version
    with pytest.raises(ClaimClosedError):
        action(claim)
    assert claim.version == version
    assert claim.status is ClaimStatus.CLOSED


def test_reopen_returns_a_closed_claim_to_work_and_clears_the_survey() -> None:
    claim = repaired()
    claim.survey(AGENT, at(5), 2)
    claim.close(AGENT, at(6), "done")
    claim.reopen(AGENT, at(7), "fails again")
    assert claim.status is ClaimStatus.IN_PROGRESS
    assert claim.satisfaction is None


def test_a_reopened_claim_is_resolved_again_by_a_new_diagnosis() -> None:
    claim = repaired()
    claim.close(AGENT, at(6), "done")
    claim.reopen(AGENT, at(7), "fails again")
    claim.classify(AGENT, at(8), ProblemCategory.PRODUCT_FAULT, Priority.HIGH)
    assert claim.status is ClaimStatus.IN_PROGRESS  # triage alone does not resolve it
    claim.diagnose(TECH, at(9), "the repair holds; the customer was shown", Cause.NO_FAULT_FOUND)
    assert claim.status is ClaimStatus.RESOLVED


def test_reopen_of_an_open_claim_is_refused() -> None:
    with pytest.raises(LifecycleError, match="only an ended claim"):
        diagnosed().reopen(AGENT, at(5), "why")


def test_reject_and_withdraw_end_an_unresolved_claim() -> None:
    rejected = reported()
    rejected.reject(AGENT, at(1), "not our product")
    withdrawn = reported()
    withdrawn.withdraw(AGENT, at(1), "customer fixed it")
    assert rejected.status is ClaimStatus.REJECTED
    assert withdrawn.status is ClaimStatus.WITHDRAWN
    with pytest.raises(LifecycleError, match="only reopen"):
        withdrawn.add_note(AGENT, at(2), "x")


def test_reject_during_a_repair_is_refused() -> None:
    claim = diagnosed()
    claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    with pytest.raises(LifecycleError, match="under way"):
        claim.reject(AGENT, at(4), "no")


def test_withdraw_after_a_remedy_was_delivered_is_refused() -> None:
    with pytest.raises(LifecycleError, match="already repaired"):
        repaired().withdraw(AGENT, at(5), "changed mind")


def test_escalation_raises_the_level_each_time() -> None:
    claim = reported()
    claim.escalate(AGENT, at(1), EscalationReason.OVERDUE)
    claim.escalate(AGENT, at(2), EscalationReason.SERIOUS_COMPLAINT)
    assert claim.escalation_level == 2


def test_sla_pause_and_resume_alternate() -> None:
    claim = reported()
    with pytest.raises(LifecycleError, match="not paused"):
        claim.resume_sla(AGENT, at(1))
    claim.pause_sla(AGENT, at(1), PauseReason.WAITING_ON_PARTS)
    with pytest.raises(LifecycleError, match="already paused"):
        claim.pause_sla(AGENT, at(2), PauseReason.WAITING_ON_PARTS)
    claim.resume_sla(AGENT, at(3))
    assert claim.sla_paused is False


def test_notes_and_evidence_are_recorded() -> None:
    claim = reported()
    claim.add_note(AGENT, at(1), "called back")
    claim.attach_evidence(AGENT, at(2), Evidence(SHA, "image/jpeg", "photo"))
    assert claim.note_count == 1
    assert claim.evidence[0].sha256 == SHA


@pytest.mark.parametrize(("sha", "media"), [("xyz", "image/jpeg"), (SHA, "jpeg")])
def test_evidence_needs_a_sha256_and_a_media_type(sha: str, media: str) -> None:
    with pytest.raises(InvalidInputError):
        Evidence(sha, media)


def test_every_event_records_actor_and_business_time() -> None:
    claim = repaired()
    claim.survey(AGENT, at(5), 5)
    claim.close(AGENT, at(6), "done")
    for entry in map(history_entry, claim.collect_events()):
        assert entry.actor in (AGENT, TECH)
        assert entry.occurred_at.tzinfo is not None
        assert entry.recorded_at.tzinfo is not None


def test_refused_command_leaves_no_pending_event() -> None:
    claim = reported()
    before = len(claim.pending_events)
    with pytest.raises(LifecycleError):
        claim.close(AGENT, at(1), "x")
    with pytest.raises(InvalidInputError):
        claim.acknowledge(AGENT, at(1), "hi", date(2020, 1, 1))
    assert len(claim.pending_events) == before


def test_a_breached_clock_run_escalates_only_once() -> None:
    from domain.errors import AlreadyEscalatedError

    claim = reported()
    claim.escalate(AGENT, at(30), EscalationReason.OVERDUE, clock_run="first_response#1")
    with pytest.raises(AlreadyEscalatedError):
        claim.escalate(AGENT, at(31), EscalationReason.OVERDUE, clock_run="first_response#1")
    claim.escalate(AGENT, at(32), EscalationReason.OVERDUE, clock_run="work_start#1")
    assert claim.escalation_level == 2
    assert claim.escalated_clock_runs == ["first_response#1", "work_start#1"]
