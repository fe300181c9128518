"""SLA breaches and the monthly and satisfaction reports, from the views."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from api.http.deps import LedgerDep, ViewConnection, requires
from api.http.presenters import month_start
from api.http.routes import api_router
from api.http.schemas.reads import (
    BreachesPublic,
    MonthlyReport,
    SatisfactionPublic,
    WarrantyCostsPublic,
)
from api.http.schemas.times import QueryTime
from domain.errors import InvalidInputError
from projections.reports.monthly_report import monthly_report
from projections.reports.satisfaction import satisfaction_report
from projections.reports.warranty_costs import CostDimension, warranty_costs
from projections.sla.sla_queries import breaches
from storage.users import User

router = api_router(tags=["reports"])
Month = Annotated[str, Query(pattern=r"^[12][0-9]{3}-(0[1-9]|1[0-2])$", examples=["2026-11"])]


@router.get("/sla/breaches")
def read_breaches(
    conn: ViewConnection,
    _: Annotated[User, requires("sla:read")],
    since: QueryTime | None = None,
) -> BreachesPublic:
    """List SLA breaches (due at or after ``since``), earliest first."""
    rows = breaches(conn, since=since)
    return BreachesPublic(data=rows, count=len(rows))


@router.get("/reports/monthly")
def read_monthly_report(
    ledger: LedgerDep,
    conn: ViewConnection,
    _: Annotated[User, requires("reports:read")],
    month: Annotated[str, Query(pattern=r"^[12][0-9]{3}-(0[1-9]|1[0-2])$", examples=["2026-11"])],
) -> MonthlyReport:
    """Report one month: figures by group, outliers, processing time, breaches per owner."""
    report = monthly_report(conn, month_start(month), ledger.calendar)
    return MonthlyReport.model_validate(report)


@router.get("/reports/satisfaction")
def read_satisfaction_report(
    conn: ViewConnection,
    _: Annotated[User, requires("reports:read")],
    months: Annotated[int, Query(ge=1, le=120)] = 12,
) -> SatisfactionPublic:
    """Report satisfaction per month, team and assignee against the 95 % target."""
    rows = satisfaction_report(conn, months)
    return SatisfactionPublic(data=rows, count=len(rows))


@router.get("/reports/costs")
def read_warranty_costs(
    request: Request,
    conn: ViewConnection,
    _: Annotated[User, requires("reports:read")],
    month: Month,
    by: CostDimension = "model",
) -> WarrantyCostsPublic:
    """Report the warranty cost spent in a month (parts, labour, shipping, refunds) by
    model, supplier or cause, largest first."""
    unknown = sorted(set(request.query_params) - {"month", "by", "min_position"})
    if unknown:
        raise InvalidInputError(unknown[0], "unknown parameter; known: month, by, min_position")
    costs = warranty_costs(conn, month_start(month), by)
    return WarrantyCostsPublic.model_validate(costs)
