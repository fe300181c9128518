"""Reads a unit's history from the recorded claims (the event store), never from a view.

A finder (``domain.units.finder``) names the claims that mention a serial
number; each is then loaded from the event store, so the repairs and exchanges
a decision uses are the recorded ones. The serial chain is followed back: a
claim that shipped the serial as a replacement names the serial before it,
whose claims are found and loaded in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any
from uuid import UUID

from domain.claim import Claim, business_date
from domain.units.finder import ClaimFinder
from domain.units.history import MAX_CHAIN, Exchange, UnitClaim, UnitHistory
from domain.units.registration import Registration

ClaimLoader = Callable[[UUID], Claim]
EventLoader = Callable[[UUID], Iterable[Any]]


def shipped_serials(data: dict[str, Any]) -> tuple[str, ...]:
    """The serials a ReplacementShipped event sent: one, or one per unit of the line."""
    many = data.get("serial_nos")
    if many:
        return tuple(str(s) for s in many)
    one = str(data.get("serial_no") or "")
    return (one,) if one else ()


def claim_exchanges(claim: Claim, load_events: EventLoader) -> list[Exchange]:
    """Every replacement the claim shipped, each with the serial the customer held before.

    Only a claim that exchanged an item is read event by event (its state keeps the
    latest shipment only; an item can be exchanged twice).
    """
    if all(state.exchanged_on is None for state in claim.items):
        return []
    events = load_events(claim.id)
    held = {state.no: state.item.serial_no.strip() for state in claim.items}
    exchanges: list[Exchange] = []
    for stored in events:
        if type(stored).__name__ != "ReplacementShipped":
            continue
        data = stored.__dict__
        item_no = data["item_no"]
        for serial in shipped_serials(data):
            exchanges.append(
                Exchange(
                    claim_id=claim.id,
                    claim_number=claim.claim_number,
                    item_no=item_no,
                    from_serial=held.get(item_no, ""),
                    to_serial=serial.strip(),
                    batch_no=str(data.get("batch_no") or ""),
                    exchanged_on=business_date(data["occurred_at"]),
                )
            )
            held[item_no] = serial.strip()
    return exchanges


def read_unit_history(
    serial_no: str,
    finder: ClaimFinder,
    load_claim: ClaimLoader,
    load_events: EventLoader,
    registration: Callable[[str], Registration | None],
    known: Iterable[Claim] = (),
) -> UnitHistory:
    """The unit's history across claims, following the chain of replacements back.

    ``known`` claims are used as they are instead of being loaded again (the claim a
    command is running on).
    """
    serial = serial_no.strip()
    chain = {serial}
    loaded = {claim.id: claim for claim in known}
    claims: dict[UUID, tuple[Claim, list[Exchange]]] = {}
    frontier: Collection[str] = {serial}
    while frontier and len(chain) <= MAX_CHAIN:
        for claim_id in sorted(finder.claims_about(frontier) - claims.keys()):
            claim = loaded.get(claim_id) or load_claim(claim_id)
            claims[claim_id] = (claim, claim_exchanges(claim, load_events))
        before = set(chain)
        grown = True
        while grown:  # an item exchanged twice on one claim: X → Y → Z
            grown = False
            for _, exchanges in claims.values():
                for e in exchanges:
                    if e.to_serial in chain and e.from_serial and e.from_serial not in chain:
                        chain.add(e.from_serial)
                        grown = True
        frontier = chain - before
    exchanges = sorted(
        (e for _, found in claims.values() for e in found if {e.from_serial, e.to_serial} & chain),
        key=lambda e: (e.exchanged_on, e.claim_number),
    )
    shipped_on = {e.to_serial: e.exchanged_on for e in exchanges if e.to_serial in chain}
    ordered = tuple(sorted(chain, key=lambda s: (s in shipped_on, shipped_on.get(s), s)))
    items = [
        unit_claim(claim, state.no)
        for claim, found in claims.values()
        for state in claim.items
        if state.item.serial_no.strip() in chain
        or any(e.item_no == state.no and e.to_serial in chain for e in found)
    ]
    items.sort(key=lambda c: (c.reported_on, c.claim_number, c.item_no))
    return UnitHistory(
        serial_no=serial,
        chain=ordered,
        claims=tuple(items),
        exchanges=tuple(exchanges),
        registration=registration(ordered[0])
        or (registration(serial) if ordered[0] != serial else None),
    )


def unit_claim(claim: Claim, item_no: int) -> UnitClaim:
    state = claim.item(item_no)
    decision = state.decision
    return UnitClaim(
        claim_id=claim.id,
        claim_number=claim.claim_number,
        item_no=item_no,
        serial_no=state.item.serial_no.strip(),
        model=state.item.model,
        category=state.item.category,
        reported_on=business_date(claim.reported_at),
        purchased_on=claim.purchase.purchased_on,
        status=claim.status.value,
        stage=state.stage.value,
        cause=state.cause.value if state.cause else None,
        remedy=state.remedy.value if state.remedy else None,
        rule_id=decision.rule_id if decision else None,
        warranty_ends_on=decision.warranty_ends_on if decision else None,
        repairs=tuple(state.repairs),
    )
