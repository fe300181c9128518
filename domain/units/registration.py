"""Warranty registration at sale time: one ``Unit`` aggregate per serial number.

A registration is a recorded fact, not a row to edit: the ``Unit.Registered``
event is stored through the ledger's own mapper (its transcodings and payload
cipher) in an events table of its own next to the claims' (the library's
aggregate recorder, ``<ledger>_units``). Keeping unit events out of the claims'
notification log keeps every claim view, the hash chain's per-claim proofs and
the claim queries about claims only; the registration is read by serial number,
never by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import EventStore, IntegrityError

from domain.errors import InvalidInputError
from domain.intake import intake_policy
from domain.policy import PolicyBook
from domain.time_window import check_past_day
from domain.units.errors import UnitAlreadyRegisteredError
from domain.values import MODEL_CODE, MODEL_CODE_HINT, Actor, Value

UNIT_NAMESPACE = uuid5(NAMESPACE_URL, "https://sanbao-ledger/units")
MAX_TEXT = 200


def unit_id(serial_no: str) -> UUID:
    """A unit's id derives from its serial number: registering twice finds the first."""
    return uuid5(UNIT_NAMESPACE, serial_no)


@dataclass(frozen=True)
class Registration(Value):
    """What was registered when the unit was sold, by whom and when."""

    serial_no: str
    model: str
    purchased_on: date
    channel: str
    category: str
    registered_by: Actor
    registered_at: datetime


class Unit(Aggregate):
    """A sold unit, known by its serial number before any claim names it."""

    @staticmethod
    def create_id(serial_no: str, **_: Any) -> UUID:
        return unit_id(serial_no)

    @event("Registered")
    def __init__(
        self,
        serial_no: str,
        actor: Actor,
        occurred_at: datetime,
        model: str,
        purchased_on: date,
        channel: str,
        category: str = "",
    ) -> None:
        self.registration = Registration(
            serial_no, model, purchased_on, channel, category, actor, occurred_at
        )


def check_registration(
    serial_no: str,
    model: str,
    purchased_on: date,
    channel: str,
    latest: datetime,
    policies: PolicyBook,
    category: str = "",
) -> None:
    """Refuses what a registration cannot hold, naming the field, before anything is stored."""
    for field, text in (("serial_no", serial_no), ("channel", channel)):
        if not text.strip():
            raise InvalidInputError(field, "must not be empty")
        if len(text) > MAX_TEXT or text != text.strip():
            raise InvalidInputError(
                field, f"at most {MAX_TEXT} characters, without leading or trailing spaces"
            )
    if not MODEL_CODE.fullmatch(model):
        raise InvalidInputError("model", MODEL_CODE_HINT)
    check_past_day("purchased_on", purchased_on, latest)  # the field as the request names it
    if category:
        # Raises UnknownCategoryError naming the categories the policy in force knows.
        intake_policy(policies, latest.date()).terms_for(category)


class UnitRegistry:
    """Registers units and reads their registrations, in the ledger's database."""

    def __init__(self, ledger: Application[UUID]) -> None:
        recorder = ledger.factory.aggregate_recorder("units")
        self.events: EventStore[UUID] = EventStore(ledger.mapper, recorder)

    def registration(self, serial_no: str) -> Registration | None:
        """The unit's registration, or None when it was never registered."""
        unit: Any = None
        for stored in self.events.get(unit_id(serial_no)):
            unit = cast(Any, stored).mutate(unit)
        return cast(Registration, unit.registration) if unit is not None else None

    def register(
        self,
        actor: Actor,
        occurred_at: datetime,
        serial_no: str,
        model: str,
        purchased_on: date,
        channel: str,
        category: str = "",
    ) -> tuple[Registration, bool]:
        """Records the registration; the same facts again return it (created False).

        Other facts for a registered serial are refused (UnitAlreadyRegisteredError).
        """
        unit = Unit(
            serial_no=serial_no,
            actor=actor,
            occurred_at=occurred_at,
            model=model,
            purchased_on=purchased_on,
            channel=channel,
            category=category,
        )
        try:
            self.events.put(unit.collect_events())
        except IntegrityError:
            recorded = self.registration(serial_no)
            assert recorded is not None  # the key was taken by a registration
            same_as(recorded, unit.registration)
            return recorded, False
        return unit.registration, True


def same_as(recorded: Registration, retried: Registration) -> None:
    """A retry repeats the recorded facts; who sent it and when may differ."""
    for field in ("model", "purchased_on", "channel", "category"):
        if getattr(recorded, field) != getattr(retried, field):
            value = str(getattr(recorded, field))
            raise UnitAlreadyRegisteredError(recorded.serial_no, field, value)
