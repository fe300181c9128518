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

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import EventStore, IntegrityError

from domain.claim import business_date
from domain.errors import ConcurrencyConflictError, InvalidInputError
from domain.intake import intake_policy
from domain.policy import PolicyBook, PolicyDocument
from domain.time_window import check_past_day
from domain.units.errors import UnitAlreadyRegisteredError, UnitNotFoundError
from domain.units.plans import PlanSale, sale_of
from domain.values import MODEL_CODE, MODEL_CODE_HINT, Actor, Value
from domain.vocabulary import Cause

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
    plans: tuple[PlanSale, ...] = ()  # extended warranty plans sold against the unit


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
        self.plans: tuple[PlanSale, ...] = ()

    @event("PlanSold")
    def sell_plan(
        self,
        actor: Actor,
        occurred_at: datetime,
        plan_id: str,
        name: str,
        policy_version: str,
        starts_on: date,
        ends_on: date,
        price: Decimal,
        categories: list[str],
        covers: list[str],
    ) -> None:
        """Records an extended warranty plan sold against the unit, on the terms sold."""
        sale = PlanSale(
            plan_id=plan_id,
            name=name,
            policy_version=policy_version,
            starts_on=starts_on,
            ends_on=ends_on,
            price=price,
            categories=tuple(categories),
            covers=tuple(Cause(c) for c in covers),
            sold_on=business_date(occurred_at),
            sold_by=actor.user_id,
        )
        self.plans = (*self.plans, sale)


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

    def unit(self, serial_no: str) -> Unit | None:
        """The registered unit as recorded, or None when it was never registered."""
        unit: Any = None
        for stored in self.events.get(unit_id(serial_no)):
            unit = cast(Any, stored).mutate(unit)
        return cast(Unit, unit) if unit is not None else None

    def registration(self, serial_no: str) -> Registration | None:
        """The unit's registration with the plans sold for it, or None when never registered."""
        unit = self.unit(serial_no)
        if unit is None:
            return None
        return replace(unit.registration, plans=unit.plans)

    def sell_plan(
        self,
        actor: Actor,
        occurred_at: datetime,
        serial_no: str,
        policy: PolicyDocument,
        plan_id: str,
    ) -> PlanSale:
        """Records the policy's plan sold against the registered unit; checks it first.

        UnitNotFoundError for a serial never registered; InvalidInputError (naming the
        field) for a plan the policy does not offer or the unit cannot have.
        """
        unit = self.unit(serial_no)
        if unit is None:
            raise UnitNotFoundError(serial_no)
        registration = unit.registration
        sale = sale_of(
            policy,
            plan_id,
            registration.category,
            registration.purchased_on,
            business_date(occurred_at),
            actor.user_id,
            unit.plans,
        )
        unit.sell_plan(
            actor=actor,
            occurred_at=occurred_at,
            plan_id=sale.plan_id,
            name=sale.name,
            policy_version=sale.policy_version,
            starts_on=sale.starts_on,
            ends_on=sale.ends_on,
            price=sale.price,
            categories=list(sale.categories),
            covers=[c.value for c in sale.covers],
        )
        try:
            self.events.put(unit.collect_events())
        except IntegrityError:
            # Another sale for this unit was recorded meanwhile: decide again on it.
            raise ConcurrencyConflictError(
                "the unit changed meanwhile; send the sale again"
            ) from None
        return unit.plans[-1]

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
