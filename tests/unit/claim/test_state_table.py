"""Every command × every claim status against the state table (``domain.state_guards``).

One sample claim per status; each command is run on a copy of it with the
API's documented example arguments. The expectation below is written out by
hand, so a change to the table or to the aggregate's checks shows up here.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from api.command_table import COMMAND_TABLE, CommandEntry
from domain.application import ClaimsLedger
from domain.claim import Claim, ClaimStatus
from domain.errors import LifecycleError, SanbaoError
from domain.state_guards import GUARDS, refusal
from domain.values import Actor
from domain.vocabulary import Role

from .factories import AGENT, at, diagnosed, quoted, repaired, reported

SUPERVISOR = Actor("boss-1", Role.SUPERVISOR)


def ended(end: str) -> Callable[[], Claim]:
    def build() -> Claim:
        claim = repaired() if end == "close" else reported()
        getattr(claim, end)(AGENT, at(10), "the end")
        return claim

    return build


SAMPLES: dict[ClaimStatus, Callable[[], Claim]] = {
    ClaimStatus.REPORTED: reported,
    ClaimStatus.IN_PROGRESS: diagnosed,  # item 1 diagnosed, a free repair
    ClaimStatus.AWAITING_CUSTOMER: quoted,  # item 1 quoted
    ClaimStatus.RESOLVED: repaired,  # item 1 repaired
    ClaimStatus.CLOSED: ended("close"),
    ClaimStatus.REJECTED: ended("reject"),
    ClaimStatus.WITHDRAWN: ended("withdraw"),
}
OPEN_RECORDS = {"escalate", "notes", "evidence"}
TRIAGE = {"classify", "assign", "acknowledge"}
ALLOWED: dict[ClaimStatus, set[str]] = {
    ClaimStatus.REPORTED: TRIAGE | OPEN_RECORDS | {"diagnose", "pause-sla", "reject", "withdraw"},
    ClaimStatus.IN_PROGRESS: TRIAGE
    | OPEN_RECORDS
    | {"diagnose", "schedule-repair", "start-repair", "pause-sla", "reject", "withdraw"},
    ClaimStatus.AWAITING_CUSTOMER: TRIAGE
    | OPEN_RECORDS
    | {"accept-quote", "decline-quote", "pause-sla"},
    ClaimStatus.RESOLVED: OPEN_RECORDS | {"diagnose", "confirm", "follow-up", "survey", "close"},
    ClaimStatus.CLOSED: {"reopen"},
    ClaimStatus.REJECTED: {"reopen"},
    ClaimStatus.WITHDRAWN: {"reopen"},
}
LEDGER = ClaimsLedger()


def example_kwargs(entry: CommandEntry) -> dict[str, Any]:
    examples = (entry.schema.model_config.get("json_schema_extra") or {}).get("examples")
    body = {**examples[0], **({"amount": "0.01"} if entry.action == "refund" else {})}
    kwargs = entry.schema.model_validate(body).to_kwargs()
    kwargs.pop("occurred_at", None)
    return kwargs


def accepted(claim: Claim, entry: CommandEntry) -> bool:
    try:
        LEDGER.apply(entry.method, claim, SUPERVISOR, at(100), example_kwargs(entry))
    except LifecycleError:
        return False
    except SanbaoError:
        return True  # refused for the example's values, not for the state
    return True


CASES = [(status, entry) for status in ClaimStatus for entry in COMMAND_TABLE]


@pytest.mark.parametrize(
    ("status", "entry"), CASES, ids=[f"{s.value}-{e.action}" for s, e in CASES]
)
def test_a_command_is_accepted_exactly_where_the_table_allows_it(
    status: ClaimStatus, entry: CommandEntry
) -> None:
    claim = SAMPLES[status]()
    assert claim.status is status
    item_no = example_kwargs(entry).get("item_no")
    table_allows = refusal(claim, entry.method.__name__, item_no) is None
    version = claim.version
    outcome = accepted(copy.deepcopy(claim), entry)
    assert outcome is table_allows
    assert outcome is (entry.action in ALLOWED[status])
    assert claim.version == version


def test_the_table_has_one_row_for_each_command_of_the_command_table() -> None:
    assert set(GUARDS) == {entry.method.__name__ for entry in COMMAND_TABLE}


def test_acknowledging_a_resolved_claim_is_refused_and_keeps_the_promise() -> None:
    claim = repaired()
    version = claim.version
    with pytest.raises(LifecycleError) as refused:
        claim.acknowledge(AGENT, at(5), "again", None)
    assert (refused.value.action, refused.value.state) == ("acknowledge", "resolved")
    assert claim.version == version
