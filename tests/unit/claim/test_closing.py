"""A complaint closes only after the customer's confirmation, or by a supervisor's override."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.application import history_entry
from domain.errors import ConfirmationRequiredError, InvalidInputError, OverrideNotPermittedError
from domain.policy import default_policy_book
from domain.policy.closing import ClosingTerms, parse_closing
from domain.values import Actor
from domain.vocabulary import Cause, ClaimKind, Role

from .factories import AGENT, TECH, at, repaired, reported

SUPERVISOR = Actor("boss-1", Role.SUPERVISOR)
POLICY = default_policy_book().in_force(at(0).date())


def resolved_complaint():  # type: ignore[no-untyped-def]
    claim = reported(kind=ClaimKind.COMPLAINT)
    claim.diagnose(TECH, at(1), "apologised and re-dispatched", Cause.SERVICE_FAILURE)
    return claim


def test_the_shipped_policy_asks_confirmation_of_complaints_only() -> None:
    assert POLICY.closing.confirmation_required == frozenset({ClaimKind.COMPLAINT})


def test_a_complaint_without_the_customers_confirmation_does_not_close() -> None:
    claim = resolved_complaint()
    with pytest.raises(ConfirmationRequiredError):
        claim.close(AGENT, at(2), "done", policy=POLICY)
    assert (claim.version, claim.status.value) == (2, "resolved")


def test_a_confirmed_complaint_closes_and_the_event_says_so() -> None:
    claim = resolved_complaint()
    claim.confirm(AGENT, at(2))
    claim.close(AGENT, at(3), "done", policy=POLICY)
    closed = history_entry(claim.collect_events()[-1])
    assert (closed.data["confirmed"], closed.data["override_reason"]) == (True, "")


def test_a_supervisor_overrides_with_a_reason_recorded_on_the_event() -> None:
    claim = resolved_complaint()
    claim.close(SUPERVISOR, at(2), "done", "customer unreachable for 30 days", POLICY)
    closed = history_entry(claim.collect_events()[-1])
    assert closed.data["override_reason"] == "customer unreachable for 30 days"
    assert closed.data["confirmed"] is False


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.AGENT])
def test_only_a_supervisor_may_override(role: Role) -> None:
    with pytest.raises(OverrideNotPermittedError):
        resolved_complaint().close(Actor("x", role), at(2), "done", "because", POLICY)


def test_an_override_where_nothing_needs_overriding_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        repaired().close(SUPERVISOR, at(5), "done", "because", POLICY)
    assert refused.value.field == "override_reason"


def test_the_policy_can_ask_confirmation_of_other_kinds_too() -> None:
    policy = replace(POLICY, closing=ClosingTerms(frozenset(ClaimKind)))
    with pytest.raises(ConfirmationRequiredError):
        repaired().close(AGENT, at(5), "done", policy=policy)


def test_the_closing_table_names_known_kinds_only() -> None:
    terms = parse_closing({"closing": {"confirmation_required": ["repair"]}}, "p.toml: ")
    assert terms.confirmation_required == frozenset({ClaimKind.REPAIR})
    with pytest.raises(InvalidInputError, match="fridge"):
        parse_closing({"closing": {"confirmation_required": ["fridge"]}}, "p.toml: ")


def test_a_closed_event_recorded_before_the_rule_still_replays() -> None:
    claim = repaired()
    claim.close(AGENT, at(5), "done", policy=POLICY)
    stored = claim.collect_events()[-1]
    del stored.__dict__["confirmed"], stored.__dict__["override_reason"]
    replayed = repaired()
    replayed.collect_events()
    stored.mutate(replayed)
    assert replayed.status.value == "closed"
