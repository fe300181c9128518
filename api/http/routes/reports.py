"""SLA breaches and the monthly and satisfaction reports, from the views."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.http.deps import ViewConnection, requires
from api.http.presenters import month_start
from api.http.routes import api_router
from api.http.schemas.reads import BreachesPublic, MonthlyReport, SatisfactionPublic
from api.http.schemas.times import QueryTime
from projections.reports.satisfaction import satisfaction_report
from projections.reports.statistics import monthly_statistics
from projections.sla.sla_queries import breaches
from storage.users import User

router = api_router(tags=["reports"])


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
    conn: ViewConnection,
    _: Annotated[User, requires("reports:read")],
    month: Annotated[str, Query(pattern=r"^[12]\d{3}-(0[1-9]|1[0-2])$", examples=["2026-11"])],
) -> MonthlyReport:
    """Report the claims of one month: figures by category, cause, model, region; outliers."""
    return MonthlyReport.model_validate(monthly_statistics(conn, month_start(month)))


@router.get("/reports/satisfaction")
def read_satisfaction_report(
    conn: ViewConnection,
    _: Annotated[User, requires("reports:read")],
    months: Annotated[int, Query(ge=1, le=120)] = 12,
) -> SatisfactionPublic:
    """Report satisfaction per month, team and assignee against the 95 % target."""
    rows = satisfaction_report(conn, months)
    return SatisfactionPublic(data=rows, count=len(rows))
