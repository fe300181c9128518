"""Units: a serial number's one history across claims, and warranty registration at sale time."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response, status

from api.http.deps import LedgerDep, ViewConnection, requires
from api.http.routes import api_router
from api.http.schemas.units import (
    PlanSaleIn,
    PlanSalePublic,
    PlanStatisticsLine,
    PlanStatisticsPublic,
    RegistrationPublic,
    UnitPublic,
    UnitRegistered,
    UnitRegistrationIn,
)
from api.roles import UNITS_READ, UNITS_REGISTER
from domain.claim import business_date
from domain.units import UnitNotFoundError, unit_warranty
from projections.reports.plans import plan_statistics, record_plan_sale
from storage.recorder import datastore_of
from storage.users import User

router = api_router(prefix="/units", tags=["units"])
Serial = Annotated[str, Path(min_length=1, max_length=100)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": UnitRegistered, "description": "registered before, with these facts"}
    },
)
def register_unit(
    body: UnitRegistrationIn,
    ledger: LedgerDep,
    user: Annotated[User, requires(UNITS_REGISTER)],
    response: Response,
) -> UnitRegistered:
    """Register a unit for its warranty when it is sold (serial, model, purchase date, channel).

    A claim that later comes without proof of purchase for this serial and model is
    decided on the registered purchase date. The same registration again answers 200;
    other facts for a registered serial are refused (409): a registration is a
    recorded fact, not a record to edit.
    """
    registration, created = ledger.register_unit(user.actor, **body.to_kwargs())
    if not created:
        response.status_code = status.HTTP_200_OK
    return UnitRegistered(registration=RegistrationPublic.of(registration), created=created)


@router.get("/{serial_no}")
def read_unit(
    serial_no: Serial, ledger: LedgerDep, _: Annotated[User, requires(UNITS_READ)]
) -> UnitPublic:
    """A unit's one history: its serial chain, warranty end (with the rule), claims and remedies.

    Read from the recorded claims (the event store), as a diagnosis reads it, so it
    shows the history the next decision for this serial will use.
    """
    history = ledger.unit_history(serial_no)
    if not history.claims and history.registration is None:
        raise UnitNotFoundError(serial_no.strip())
    today = business_date(ledger.clock())
    return UnitPublic.of(history, unit_warranty(history, ledger.policies, today))


@router.post("/{serial_no}/plans", status_code=status.HTTP_201_CREATED)
def sell_plan(
    serial_no: Serial,
    body: PlanSaleIn,
    ledger: LedgerDep,
    user: Annotated[User, requires(UNITS_REGISTER)],
) -> PlanSalePublic:
    """Sell an extended warranty plan (延保) of the policy in force against a registered unit.

    The plan runs from its own start to its own end (after the statutory warranty,
    or from the sale, as the policy's plan says); a later diagnosis of a cause it
    covers, reported while it runs, is in warranty and names the plan. A plan the
    policy does not offer, one not sold for the unit's category, or one sold
    already for the unit is refused (422, naming ``plan_id``); a serial never
    registered is 404.
    """
    at = ledger.check_occurred_at(body.occurred_at)
    policy = ledger.policies.in_force(business_date(at))
    serial = serial_no.strip()
    sale = ledger.units.sell_plan(user.actor, at, serial, policy, body.plan_id)
    record_plan_sale(datastore_of(ledger), serial, sale)
    return PlanSalePublic.of(sale)


plans_router = api_router(prefix="/reports", tags=["reports"])


@plans_router.get("/plans")
def read_plan_statistics(
    conn: ViewConnection, _: Annotated[User, requires("reports:read")]
) -> PlanStatisticsPublic:
    """Extended warranty plans: sold (and for how much), claims under them and their cost.

    A claim item is under a plan when its serial has the plan and it was reported
    while the plan ran; its cost is everything its work cost (parts, labour,
    shipping, refunds).
    """
    rows = [
        PlanStatisticsLine.model_validate(r, from_attributes=True) for r in plan_statistics(conn)
    ]
    return PlanStatisticsPublic(data=rows, count=len(rows))
