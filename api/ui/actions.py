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

from api.http.command_specs import COMMAND_SPECS, CommandSpec
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


class Trials:
    """Copies of the claim to try commands on; a refused command leaves its copy untouched.

    The domain checks before it records, so only a command that went through has
    changed its copy, and only then is a fresh copy made (deep copies are the cost).
    """

    def __init__(self, claim: Claim, actor: Actor, at: datetime) -> None:
        self.claim = claim
        self.actor = actor
        self.at = at
        self.copy = copy.deepcopy(claim)

    def allows(self, spec: CommandSpec, **over: Any) -> bool:
        """True unless the domain refuses the command in the claim's state."""
        kwargs = {**example_kwargs(spec), **over}
        trial = self.copy
        try:
            if spec.method == "diagnose":
                # The state checks of a diagnosis; the policy decision is the ledger's job.
                trial.check_open("diagnose")
                if kwargs.get("item_no") is not None:
                    trial.item(kwargs["item_no"]).check_can_diagnose()
                return True
            getattr(trial, spec.method)(self.actor, self.at, **kwargs)
        except LifecycleError:
            return False
        except SanbaoError:
            return True
        self.copy = copy.deepcopy(self.claim)
        return True


def offers(claim: Claim, actor: Actor, at: datetime) -> list[Offer]:
    """The commands this actor may run on the claim now, in the API's order."""
    trials = Trials(claim, actor, at)
    found = []
    for spec in COMMAND_SPECS:
        if not allows(actor.role, command_permission(spec.action)):
            continue
        if spec.method == "diagnose":
            if trials.allows(spec, item_no=None):
                items = tuple(s.no for s in claim.items if trials.allows(spec, item_no=s.no))
                found.append(Offer(spec, items))
        elif Offer(spec).per_item:
            items = tuple(s.no for s in claim.items if trials.allows(spec, item_no=s.no))
            if items:
                found.append(Offer(spec, items))
        elif trials.allows(spec):
            found.append(Offer(spec))
    return found
