"""A stand-in for ``ClaimsLedger`` that runs the demo's commands over HTTP.

``api.cli.demo``'s case players call ``report`` and ``command``; this
class sends each as the API request a front end would send, with the token of a
user in the actor's role, so the lamp-factory cases walk through the HTTP API.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from api.command_table import COMMAND_TABLE
from domain.application import ClaimCommand, CommandResult
from domain.errors import SanbaoError
from domain.values import Actor
from domain.vocabulary import Role

ACTIONS = {entry.method: entry.action for entry in COMMAND_TABLE}


def to_json(value: Any) -> Any:
    """Domain values as JSON: enums by value, money as strings, value objects as objects."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


class ProblemAnswer(SanbaoError):
    """A command the API refused with a problem document (``problem``)."""

    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem["detail"])
        self.problem = problem


class HttpLedger:
    def __init__(self, client: TestClient, headers: dict[Role, dict[str, str]]) -> None:
        self.client = client
        self.headers = headers
        self.responses: list[int] = []

    def post(self, actor: Actor, path: str, body: dict[str, Any]) -> CommandResult:
        response = self.client.post(path, json=to_json(body), headers=self.headers[actor.role])
        # A refusal the walk-through expects (demo.refused): of the state or of a time rule.
        if response.status_code in (409, 422):
            raise ProblemAnswer(response.json())
        assert response.status_code in (200, 201), (path, response.text)
        data = response.json()
        return CommandResult(
            UUID(data["claim_id"]), data["claim_number"], data["version"], data["position"]
        )

    def report(self, actor: Actor, **report: Any) -> CommandResult:
        return self.post(actor, "/api/v1/claims", report)

    def command(
        self, method: ClaimCommand, claim_id: UUID, actor: Actor, **kwargs: Any
    ) -> CommandResult:
        work = kwargs.pop("work", None)
        if work is not None:  # the API takes a repair's work as flat fields
            kwargs.update(dataclasses.asdict(work))
        evidence = kwargs.pop("evidence", None)
        if evidence is not None:
            kwargs.update(dataclasses.asdict(evidence))
        return self.post(actor, f"/api/v1/claims/{claim_id}/{ACTIONS[method]}", kwargs)
