"""The public event contract is pinned: a change to it is a deliberate new version."""

from __future__ import annotations

import json
from pathlib import Path

from domain.claim import Claim
from projections.feed.contract import BY_DOMAIN_EVENT, CONTRACT_VERSION, TYPES, contract_document

SNAPSHOT = Path(__file__).with_name(f"contract-v{CONTRACT_VERSION}.json")
PERSONAL = {"name", "phone", "email", "address", "region", "user_id", "assignee"}


def test_the_served_contract_equals_the_checked_in_snapshot() -> None:
    # To change the contract on purpose: regenerate the snapshot and raise the version
    # when a field is removed or changes meaning.
    assert contract_document() == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_every_claim_event_has_a_public_type() -> None:
    domain_events = {
        name
        for name, value in vars(Claim).items()
        if isinstance(value, type) and issubclass(value, Claim.Event) and name != "Event"
    }
    assert domain_events - {"Created"} == set(BY_DOMAIN_EVENT)


def test_public_type_names_are_nats_subject_tokens() -> None:
    for public in TYPES:
        assert public.name.isascii() and public.name.replace("_", "").isalpha()
        assert public.name == public.name.lower()


def test_no_schema_names_a_personal_field() -> None:
    def names(schema: object) -> set[str]:
        if isinstance(schema, dict):
            found = set(schema.get("properties", {})) if "properties" in schema else set()
            return found.union(*(names(v) for v in schema.values()))
        if isinstance(schema, list):
            return set().union(*(names(v) for v in schema))
        return set()

    assert names(contract_document()) & PERSONAL == set()
