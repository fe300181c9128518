"""Which commands the console offers on a claim: the role may, and the claim's state allows.

The role half is ``api/roles.py``. The state half asks the domain itself: each
command is tried on a copy of the claim with its documented example arguments
(per item, for item commands). A ``LifecycleError`` means the state refuses
it; any other refusal is about the example's values, which the user's own
form replaces, so the command is offered. The copy is never saved.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.commands import COMMAND_SPECS, CommandSpec
from api.roles import allows, command_permission
from domain.claim import Claim
from domain.errors import LifecycleError, SanbaoError
from domain.values import Actor

# Example values that would trip a state check of their own (a refund above the price).
EXAMPLE_OVERRIDES: dict[str, dict[str, Any]] = {"refund": {"amount": "0.01"}}


@dataclass(frozen=True)
class Offer:
    """A command offered on the page, with the items it applies to (item commands)."""

    spec: CommandSpec
    item_nos: tuple[int, ...] = ()

    @property
    def per_item(self) -> bool:
        return "item_no" in self.spec.schema.model_fields


def example_kwargs(spec: CommandSpec) -> dict[str, Any]:
    """The domain arguments of the command's documented example."""
    examples = (spec.schema.model_config.get("json_schema_extra") or {}).get("examples") or [{}]
    body = spec.schema.model_validate({**examples[0], **EXAMPLE_OVERRIDES.get(spec.action, {})})
    kwargs = body.to_kwargs()
    kwargs.pop("occurred_at", None)
    return kwargs


def state_allows(claim: Claim, spec: CommandSpec, actor: Actor, at: datetime, **over: Any) -> bool:
    """True unless the domain refuses the command in the claim's state."""
    kwargs = {**example_kwargs(spec), **over}
    trial = copy.deepcopy(claim)
    try:
        if spec.method == "diagnose":
            # The state checks of a diagnosis; the policy decision is the ledger's job.
            item_no = kwargs.get("item_no")
            trial.check_open("diagnose")
            if item_no is not None:
                trial.item(item_no).check_can_diagnose()
        else:
            getattr(trial, spec.method)(actor, at, **kwargs)
    except LifecycleError:
        return False
    except SanbaoError:
        return True
    return True


def offers(claim: Claim, actor: Actor, at: datetime) -> list[Offer]:
    """The commands this actor may run on the claim now, in the API's order."""
    found = []
    for spec in COMMAND_SPECS:
        if not allows(actor.role, command_permission(spec.action)):
            continue
        if spec.method == "diagnose":
            if state_allows(claim, spec, actor, at, item_no=None):
                items = tuple(
                    s.no for s in claim.items if state_allows(claim, spec, actor, at, item_no=s.no)
                )
                found.append(Offer(spec, items))
        elif Offer(spec).per_item:
            items = tuple(
                s.no for s in claim.items if state_allows(claim, spec, actor, at, item_no=s.no)
            )
            if items:
                found.append(Offer(spec, items))
        elif state_allows(claim, spec, actor, at):
            found.append(Offer(spec))
    return found
