"""Which commands the console offers on a claim: the role may, and the claim's state allows.

The role half is the command table's (``api/command_table.py``). The state half
asks the domain itself: each command is tried, as the ledger would run it, on a
copy of the claim with its documented example arguments (per item, for item
commands). A ``LifecycleError`` means the state refuses it; any other refusal
is about the example's values, which the user's own form replaces, so the
command is offered. The copy is never saved.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from api.command_table import COMMAND_TABLE, CommandEntry
from api.roles import allows
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import LifecycleError, SanbaoError
from domain.values import Actor

# Example values that would trip a state check of their own (a refund above the price).
EXAMPLE_OVERRIDES: dict[str, dict[str, Any]] = {"refund": {"amount": "0.01"}}


@dataclass(frozen=True)
class Offer:
    """A command offered on the page, with the items it applies to (item commands)."""

    entry: CommandEntry
    item_nos: tuple[int, ...] = ()


def item_field(entry: CommandEntry) -> bool | None:
    """Whether the command names an item: None if it cannot, False if it may, True if it must."""
    field = entry.schema.model_fields.get("item_no")
    return None if field is None else field.is_required()


def example_kwargs(entry: CommandEntry) -> dict[str, Any]:
    """The domain arguments of the command's documented example."""
    schema = entry.schema
    examples = (schema.model_config.get("json_schema_extra") or {}).get("examples") or [{}]
    body = schema.model_validate({**examples[0], **EXAMPLE_OVERRIDES.get(entry.action, {})})
    kwargs = body.to_kwargs()
    kwargs.pop("occurred_at", None)
    return kwargs


class Trials:
    """Copies of the claim to try commands on; a refused command leaves its copy untouched.

    The domain checks before it records, so only a command that went through has
    changed its copy, and only then is a fresh copy made (deep copies are the cost).
    """

    def __init__(self, ledger: ClaimsLedger, claim: Claim, actor: Actor) -> None:
        self.ledger = ledger
        self.claim = claim
        self.actor = actor
        self.at = ledger.clock()
        self.copy = copy.deepcopy(claim)

    def allows(self, entry: CommandEntry, **over: Any) -> bool:
        """True unless the domain refuses the command in the claim's state."""
        kwargs = {**example_kwargs(entry), **over}
        try:
            self.ledger.apply(entry.method, self.copy, self.actor, self.at, kwargs)
        except LifecycleError:
            return False
        except SanbaoError:
            return True
        self.copy = copy.deepcopy(self.claim)
        return True


def offers(ledger: ClaimsLedger, claim: Claim, actor: Actor) -> list[Offer]:
    """The commands this actor may run on the claim now, in the table's order."""
    trials = Trials(ledger, claim, actor)
    found = []
    for entry in COMMAND_TABLE:
        if not allows(actor.role, entry.permission):
            continue
        per_item = item_field(entry)
        if per_item is None:
            if trials.allows(entry):
                found.append(Offer(entry))
            continue
        # An optional item (a diagnosis) is offered for the whole claim or an item.
        if not per_item and not trials.allows(entry, item_no=None):
            continue
        items = tuple(s.no for s in claim.items if trials.allows(entry, item_no=s.no))
        if items or not per_item:
            found.append(Offer(entry, items))
    return found
