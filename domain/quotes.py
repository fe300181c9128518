"""The quote rule: where the 三包 decision fixes the price of paid work, the ledger quotes it.

- A paid exchange (reference 004: used goods exchanged at the negotiated
  discount, 八折) costs the unit price × the policy's discount, rounded to cents,
  × the units exchanged (``domain.policy.money.discounted_price``).
- A paid repair (after the warranty, misuse …) costs the fee of the policy's
  fee schedule (``domain.policy.fees``) × the units repaired, where the schedule
  names the item's category; otherwise it is quoted by hand, line by line.
- A return is never quoted: its refund is the price less the decision's
  deductions (``domain.refunds``).

The price the decision fixes is shown with the item before anything is quoted
(the claim detail's ``quote_due``). A quote given without lines is that price; a
quote whose lines add up to anything else needs a supervisor's
``override_reason``, which the ``Quoted`` event records. An override where the
quote follows the decision anyway (or where the decision fixes no price) is
refused, so a recorded override always overrode something.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import InvalidInputError, OverrideNotPermittedError, QuoteOffDecisionError
from domain.item_track import ItemState
from domain.policy.money import discounted_price
from domain.values import Actor, QuoteLine
from domain.vocabulary import Remedy, Role

PRICE_RULE = "a paid exchange costs the unit price × the policy's discount × the units exchanged"
PRICE_RULE_ZH = "有偿换货价 = 单价 × 政策折扣 × 换货数量"
FEE_RULE = "a paid repair costs the policy's fee per unit × the units repaired"
FEE_RULE_ZH = "有偿维修价 = 政策收费标准 × 维修数量"


@dataclass(frozen=True)
class Quote:
    """The quote the ledger records: its lines, their sum and any override."""

    lines: tuple[QuoteLine, ...]
    amount: Decimal
    override_reason: str = ""


def quote_due(state: ItemState) -> QuoteLine | None:
    """The price the decision fixes for the item's paid work, as one quote line, or None."""
    decision = state.decision
    if decision is None or decision.free:
        return None
    units = state.units_covered
    if state.remedy is Remedy.EXCHANGE and decision.discount_rate is not None:
        amount, basis = discounted_price(state.item.price, decision.discount_rate, units)
        return QuoteLine(f"exchange at {decision.discount_rate:.0%}: {basis}", amount)
    if state.remedy is Remedy.REPAIR and decision.repair_fee is not None:
        noun = "unit" if units == 1 else "units"
        basis = f"{decision.repair_fee} × {units} {noun}"
        return QuoteLine(f"repair at the policy's fee: {basis}", decision.repair_fee * units)
    return None


def _rule(state: ItemState) -> tuple[str, str]:
    if state.remedy is Remedy.REPAIR:
        return FEE_RULE, FEE_RULE_ZH
    return PRICE_RULE, PRICE_RULE_ZH


def settle_quote(
    state: ItemState,
    actor: Actor,
    lines: tuple[QuoteLine, ...] | None,
    override_reason: str = "",
) -> Quote:
    """The quote to record, or the refusal: no lines take the decision's price; lines
    that add up to another amount need a supervisor's override naming a reason."""
    due = quote_due(state)
    if not lines:
        if due is None:
            raise InvalidInputError(
                "lines",
                "a quote needs at least one line: the decision fixes no price for this work",
            )
        lines = (due,)
    amount = sum((line.amount for line in lines), Decimal("0"))
    departs = due is not None and amount != due.amount
    if not override_reason:
        if departs:
            assert due is not None
            raise QuoteOffDecisionError("lines", str(amount), str(due.amount), *_rule(state))
        return Quote(lines, amount)
    if not override_reason.strip():
        raise InvalidInputError("override_reason", "must not be blank")
    if actor.role is not Role.SUPERVISOR:
        raise OverrideNotPermittedError(actor.role.value, "a quote's decided price", "变更报价")
    if not departs:
        raise InvalidInputError(
            "override_reason", "nothing to override: the quote follows the decision"
        )
    return Quote(lines, amount, override_reason)
