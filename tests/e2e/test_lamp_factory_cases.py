"""The reference manuals' lamp-factory cases, walked over HTTP from report to close.

Each case is played twice: over the HTTP API by users in the actors' roles, and
directly on an in-memory ledger. The claims must end in the same state, with
the same 三包 decisions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.cli.demo import CASES, FOLLOWS, CasePlayer
from domain.application import ClaimsLedger
from domain.vocabulary import Role
from tests.e2e.http_ledger import HttpLedger

pytestmark = pytest.mark.postgres


def summary(claim: dict) -> dict:
    """What must agree: status, items' stages, remedies and decisions, satisfaction."""
    return {
        "status": claim["status"],
        "satisfaction": claim["satisfaction"],
        "items": [
            (
                item["stage"],
                item["remedy"],
                item["decision"] and item["decision"]["rule_id"],
                item["replacement_serial_no"],
                item["refunded_amount"],
            )
            for item in claim["items"]
        ],
    }


def prior_cases(number: str) -> list[tuple[int, Callable[[CasePlayer], None]]]:
    """The earlier case whose unit this one continues, if any: it is played first."""
    return [(days, play) for n, days, play in CASES if n == FOLLOWS.get(number)]


def reference(play: object, now: datetime, days_ago: int, number: str) -> dict:
    ledger = ClaimsLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    for days, prior in prior_cases(number):
        prior(CasePlayer(ledger, "REF-0", now, days))
    player = CasePlayer(ledger, "REF-1", now, days_ago)
    play(player)  # type: ignore[operator]
    claim = ledger.get_claim(player.claim_id)  # type: ignore[arg-type]
    return {
        "status": claim.status.value,
        "satisfaction": claim.satisfaction,
        "items": [
            (
                s.stage.value,
                s.remedy.value if s.remedy else None,
                s.decision.rule_id if s.decision else None,
                s.replacement_serial_no,
                f"{s.refunded_amount}",
            )
            for s in claim.items
        ],
    }


@pytest.mark.parametrize(("number", "days_ago", "play"), CASES, ids=[c[0] for c in CASES])
def test_lamp_factory_case_walks_over_http_to_the_same_end(
    client: TestClient, as_role: dict[Role, dict[str, str]], number: str, days_ago: int, play
) -> None:
    now = datetime.now().astimezone()
    for days, prior in prior_cases(number):
        prior(CasePlayer(HttpLedger(client, as_role), f"HTTP-{uuid.uuid4().hex[:8]}", now, days))  # type: ignore[arg-type]
    player = CasePlayer(HttpLedger(client, as_role), f"HTTP-{number}", now, days_ago)  # type: ignore[arg-type]
    play(player)
    response = client.get(f"/api/v1/claims/{player.claim_id}", headers=as_role[Role.AUDITOR])
    assert response.status_code == 200
    assert summary(response.json()) == reference(play, now, days_ago, number)
    history = client.get(
        f"/api/v1/claims/{player.claim_id}/history", headers=as_role[Role.AUDITOR]
    ).json()
    assert history["count"] == player.commands
    assert {entry["actor"] for entry in history["data"]} <= {f"e2e.{r.value}" for r in Role}
