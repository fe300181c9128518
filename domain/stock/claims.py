"""What claims do to stock (reference 004: check stock before an exchange).

Stock is kept in the ledger for a SKU once some of it was received in the claims'
warehouse; a SKU never received there (a part named in free text, a model not
stocked) keeps the rules it had before stock existed. For a stocked SKU:

- an exchange reserves its replacement units when it is diagnosed; without them the
  claim waits with its SLA paused for parts (``PauseReason.WAITING_ON_PARTS``);
- shipping a replacement is refused until its units are reserved, and issues them;
- a repair issues the parts it records, and is refused when one is not available.

Claims and stock are stored in separate tables (``domain.stock.ledger``), so one
save cannot hold both. The order keeps them from diverging: a reservation is stored
after the claim's command has passed its checks and before the claim is saved, and
released again when the claim's save finally fails (a retry finds it made: reserving
is idempotent per claim item); issues follow the claim's saved fact, checked before it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.claim import Claim
from domain.stock.errors import NothingReservedError, OutOfStockError
from domain.stock.ledger import StockLedger
from domain.values import Actor
from domain.vocabulary import PauseReason, Remedy


@dataclass
class StockMoves:
    """The stock movements one claim command makes: reservations made before the
    claim's save (undone if it fails), issues and releases made after it."""

    reserved: list[tuple[str, int]] = field(default_factory=list)  # (sku, item_no)
    issues: list[tuple[str, int, int, str]] = field(default_factory=list)  # sku, qty, item, field
    releases: list[tuple[str, int]] = field(default_factory=list)


class ClaimStock:
    """The stock rules of the claim commands."""

    def __init__(self, stock: StockLedger) -> None:
        self.stock = stock

    def check(self, method: Any, claim: Claim, kwargs: dict[str, Any], moves: StockMoves) -> None:
        """Before the command: refuses what stock does not allow; plans the issues."""
        if method is Claim.ship_replacement:
            state = claim.item(kwargs["item_no"])
            sku = state.item.model
            item = self.stock.tracked(sku)
            if item is None:
                return
            if item.reservation(claim.id, state.no) < state.units_covered:
                raise NothingReservedError(state.no, sku, self.stock.warehouse)
            moves.issues.append((sku, state.units_covered, state.no, "serial_nos"))
        elif method is Claim.record_repair:
            item_no = kwargs["item_no"]
            claim.item(item_no)
            for part, wanted in Counter(kwargs["work"].parts).items():
                stocked = self.stock.tracked(part)
                if stocked is None:
                    continue
                if wanted > stocked.available:
                    raise OutOfStockError(
                        "parts", self.stock.warehouse, part, wanted, stocked.available
                    )
                moves.issues.append((part, wanted, item_no, "parts"))

    def after_command(
        self,
        method: Any,
        claim: Claim,
        actor: Actor,
        at: datetime,
        kwargs: dict[str, Any],
        moves: StockMoves,
    ) -> None:
        """After the command passed its checks on the claim, before the claim is saved:
        an exchange reserves its units, or the claim waits for them with its SLA paused."""
        if method is not Claim.diagnose or kwargs.get("item_no") is None:
            return
        state = claim.item(kwargs["item_no"])
        sku = state.item.model
        item = self.stock.tracked(sku)
        if item is None:
            return
        held = item.reservation(claim.id, state.no)
        wanted = state.units_covered if state.remedy is Remedy.EXCHANGE else 0
        if held == wanted:
            return
        if held:
            # Another remedy or quantity: given back after the save; a new quantity is
            # reserved afterwards (POST /api/v1/stock/reservations).
            moves.releases.append((sku, state.no))
            return
        try:
            self.stock.reserve(actor, at, sku, claim.id, claim.claim_number, state.no, wanted)
        except OutOfStockError:
            if claim.sla_running and not claim.sla_paused:
                claim.pause_sla(actor, at, PauseReason.WAITING_ON_PARTS)
        else:
            moves.reserved.append((sku, state.no))

    def undo(self, claim_id: Any, actor: Actor, at: datetime, moves: StockMoves) -> None:
        """The claim's save failed: its reservations are given back."""
        for sku, item_no in moves.reserved:
            self.stock.release(actor, at, sku, claim_id, item_no)

    def after_save(self, claim: Claim, actor: Actor, at: datetime, moves: StockMoves) -> None:
        """The claim's fact is saved: the stock it used is issued (a shortage, should
        another command have taken the units meanwhile), reservations given back."""
        for sku, quantity, item_no, name in moves.issues:
            self.stock.issue(
                actor, at, sku, quantity, claim.id, claim.claim_number, item_no, name, True
            )
        for sku, item_no in moves.releases:
            self.stock.release(actor, at, sku, claim.id, item_no)
