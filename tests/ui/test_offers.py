"""Which commands a claim page offers: the role's permissions and the claim's state."""

from __future__ import annotations

from datetime import datetime

import pytest

from api.cli.demo import CASES, load_demo
from api.command_table import COMMAND_TABLE
from api.ui.actions import item_field, offers
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.state_guards import refusal
from domain.values import Actor
from domain.vocabulary import Role


@pytest.fixture(scope="module")
def ledger() -> ClaimsLedger:
    """The demo claims on the in-memory store (the offer is pure domain logic)."""
    app = ClaimsLedger()
    load_demo(app, datetime.now().astimezone())
    return app


def offered(ledger: ClaimsLedger, number: str, role: Role) -> dict[str, tuple[int, ...]]:
    claim = ledger.get_claim_by_number(number)
    return {o.entry.action: o.item_nos for o in offers(ledger, claim, Actor("u", role))}


def test_a_trial_that_went_through_does_not_leak_into_the_next(ledger: ClaimsLedger) -> None:
    actions = offered(ledger, "SB-2026-0008", Role.SUPERVISOR)
    assert "pause-sla" in actions  # tried first, and it would pause the copy …
    assert "resume-sla" not in actions  # … yet resuming is judged on the unpaused claim


def test_the_offer_leaves_the_claim_itself_unchanged(ledger: ClaimsLedger) -> None:
    claim = ledger.get_claim_by_number("SB-2026-0008")
    offers(ledger, claim, Actor("u", Role.SUPERVISOR))
    assert (claim.version, claim.sla_paused, claim.status.value) == (1, False, "reported")
    assert not claim.collect_events()


def test_a_closed_claim_offers_only_reopen(ledger: ClaimsLedger) -> None:
    assert offered(ledger, "LF-2026-0001", Role.SPECIALIST) == {"reopen": ()}


def test_item_commands_name_the_items_they_apply_to(ledger: ClaimsLedger) -> None:
    actions = offered(ledger, "SB-2026-0008", Role.TECHNICIAN)
    assert actions["diagnose"] == (1,)
    assert "start-repair" not in actions  # nothing diagnosed yet


def test_roles_without_the_permission_are_offered_nothing_of_it(ledger: ClaimsLedger) -> None:
    assert offered(ledger, "SB-2026-0008", Role.AUDITOR) == {}
    assert set(offered(ledger, "SB-2026-0008", Role.WAREHOUSE)) == {"notes", "evidence"}


def test_a_resolved_claim_offers_closing_not_a_second_replacement(ledger: ClaimsLedger) -> None:
    claim = ledger.get_claim(Claim.create_id("LF-2026-0007"))
    actions = offered(ledger, "LF-2026-0007", Role.SPECIALIST)
    assert claim.status.value == "resolved"
    assert {"confirm", "close"} <= set(actions)
    assert "ship-replacement" not in actions  # the item was already replaced


def test_a_resolved_claim_offers_no_triage_and_no_pause(ledger: ClaimsLedger) -> None:
    claim = ledger.get_claim_by_number("LF-2026-0005")
    actions = offered(ledger, "LF-2026-0005", Role.SUPERVISOR)
    assert claim.status.value == "resolved"
    assert not {"acknowledge", "classify", "assign", "pause-sla"} & set(actions)


@pytest.mark.parametrize("number", [number for number, _, _ in CASES])
def test_the_console_offers_exactly_what_the_state_table_allows(
    ledger: ClaimsLedger, number: str
) -> None:
    claim = ledger.get_claim_by_number(number)
    allowed = {
        entry.action
        for entry in COMMAND_TABLE
        if refusal(claim, entry.method.__name__) is None
        and (item_field(entry) is not True or any(
            refusal(claim, entry.method.__name__, s.no) is None for s in claim.items
        ))
    }  # fmt: skip
    assert set(offered(ledger, number, Role.SUPERVISOR)) == allowed
