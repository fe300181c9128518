"""Money of a 三包 decision: depreciation kept back from a refund, the price of a paid exchange."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Rounds to 0.01 half up, as money is shown to the customer (199.005 → 199.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def depreciation(price: Decimal, daily_rate: Decimal, days: int) -> tuple[Decimal, str]:
    """price × daily rate × days used, rounded to cents and never above the price.

    Returns the amount and its basis as the customer sees it, for example
    ``"199.00 × 0.004 × 40 days"``. A negative day count counts as zero.
    """
    days = max(0, days)
    formula = to_cents(price * daily_rate * days)
    unit = "day" if days == 1 else "days"
    basis = f"{to_cents(price)} × {daily_rate} × {days} {unit}"
    if formula > price:
        # Kept for long enough, the formula exceeds what was paid; a refund cannot be negative.
        return price, basis + " (capped at the price)"
    return formula, basis


def discounted_price(unit_price: Decimal, rate: Decimal, units: int) -> tuple[Decimal, str]:
    """A paid exchange at the negotiated discount: the unit price × rate, rounded to cents,
    × the units exchanged; with its basis, for example ``"100.00 × 0.8 × 2 units"``."""
    unit = to_cents(unit_price * rate)
    noun = "unit" if units == 1 else "units"
    return unit * units, f"{to_cents(unit_price)} × {rate} × {units} {noun}"
