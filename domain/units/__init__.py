"""Units (serial numbers): one history per unit across claims, and warranty registration.

``history`` holds the rules (which earlier repairs and exchanges count for a
decision), ``reader`` loads a unit's recorded history, ``finder`` finds the
claims that mention a serial, ``registration`` records sales.
"""

from domain.units.errors import UnitAlreadyRegisteredError, UnitNotFoundError
from domain.units.finder import ClaimFinder, LogScan
from domain.units.history import (
    Exchange,
    UnitClaim,
    UnitFacts,
    UnitHistory,
    UnitWarranty,
    unit_warranty,
    with_unit_history,
)
from domain.units.registration import Registration, Unit, UnitRegistry, check_registration

__all__ = [
    "ClaimFinder",
    "Exchange",
    "LogScan",
    "Registration",
    "Unit",
    "UnitAlreadyRegisteredError",
    "UnitClaim",
    "UnitFacts",
    "UnitHistory",
    "UnitNotFoundError",
    "UnitRegistry",
    "UnitWarranty",
    "check_registration",
    "unit_warranty",
    "with_unit_history",
]
