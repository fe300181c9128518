"""Which commands the console offers on a claim: the role may, and the state table allows.

The role half is the command table's (``api/command_table.py``). The state half
is the domain's state table (``domain/state_guards.py``), the same rows the
aggregate checks every command against: a command is offered exactly when its
row allows it in the claim's status (and, for item commands, on which items).
What the table cannot judge before the user fills in the form (an amount, the
closing rule's override) is refused on submission with the problem it raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.command_table import COMMAND_TABLE, CommandEntry
from api.roles import allows
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.state_guards import refusal
from domain.values import Actor


@dataclass(frozen=True)
class Offer:
    """A command offered on the page, with the items it applies to (item commands)."""

    entry: CommandEntry
    item_nos: tuple[int, ...] = ()


def item_field(entry: CommandEntry) -> bool | None:
    """Whether the command names an item: None if it cannot, False if it may, True if it must."""
    field = entry.schema.model_fields.get("item_no")
    return None if field is None else field.is_required()


def offers(ledger: ClaimsLedger, claim: Claim, actor: Actor) -> list[Offer]:
    """The commands this actor may run on the claim now, in the table's order."""
    found = []
    for entry in COMMAND_TABLE:
        if not allows(actor.role, entry.permission):
            continue
        command = entry.method.__name__
        if refusal(claim, command) is not None:
            continue
        per_item = item_field(entry)
        if per_item is None:
            found.append(Offer(entry))
            continue
        # An optional item (a diagnosis) is offered for the whole claim or an item.
        items = tuple(s.no for s in claim.items if refusal(claim, command, s.no) is None)
        if items or not per_item:
            found.append(Offer(entry, items))
    return found
