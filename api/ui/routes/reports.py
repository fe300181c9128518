"""The monthly report: charts by cause and category, remedy shares with outliers, satisfaction."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.http.deps import LedgerDep, ViewConnection
from api.http.presenters import month_start
from api.ui.charts import (
    TARGET,
    count_chart,
    monthly_charts,
    satisfaction_chart,
    share_chart,
    to_csv,
)
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, render
from domain.catalogue import default_catalogue
from domain.claim import BUSINESS_TZ
from projections.reports.monthly_report import monthly_report
from projections.reports.report_months import latest_month_with_claims
from projections.reports.satisfaction import satisfaction_report
from projections.reports.solutions import solution_statistics
from projections.reports.statistics import OutlierRules, monthly_statistics
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/reports", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Month = Annotated[str | None, Query(pattern=r"^[12][0-9]{3}-(0[1-9]|1[0-2])$")]
Reporter = Annotated[Session, page_requires("reports:read")]
TREND_MONTHS = 12
CHARTS = ("cause", "category", "problem", "region", "model", "satisfaction")


def chosen_month(month: str | None) -> date:
    """The month asked for, or the current month in China."""
    if month:
        return month_start(month)
    return datetime.now(UTC).astimezone(BUSINESS_TZ).date().replace(day=1)


def month_end(first: date) -> datetime:
    """The last moment of the month in China (the satisfaction trend ends there)."""
    following = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(following, time(), BUSINESS_TZ) - timedelta(microseconds=1)


def months_until(last: date, count: int) -> list[date]:
    """The ``count`` months ending with ``last``, oldest first."""
    months = [last]
    for _ in range(count - 1):
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months[::-1]


@router.get("/monthly")
def read_monthly_report_page(
    request: Request,
    ledger: LedgerDep,
    conn: ViewConnection,
    session: Reporter,
    month: Month = None,
) -> Response:
    """Charts of one month's claims and the satisfaction trend; processing time, breaches."""
    first = chosen_month(month) if month else (latest_month_with_claims(conn) or chosen_month(None))
    stats = monthly_report(conn, first, ledger.calendar)
    rules = OutlierRules()
    satisfaction = satisfaction_report(conn, TREND_MONTHS, as_of=month_end(first))
    return render(
        request, "report.html", session, month=first, stats=stats,
        solutions=solution_statistics(conn, first), catalogue=default_catalogue(),
        charts=monthly_charts(stats, satisfaction, months_until(first, TREND_MONTHS)),
        months=months_until(chosen_month(None), 24)[::-1], target=TARGET,
        outlier_rules=vars(rules), outlier_rules_charts=("model", "region"),
        flag_from=partial(flagged_from, rules),
    )  # fmt: skip


def flagged_from(rules: OutlierRules, threshold: float | None) -> int:
    """The fewest faults a model is flagged with: at least ``min_faults`` and above the
    threshold of the other models' counts (so the column agrees with the rule's text)."""
    if threshold is None:
        return rules.min_faults
    return max(rules.min_faults, math.floor(threshold) + 1)


@router.get("/monthly.csv")
def read_monthly_report_csv(
    conn: ViewConnection,
    _: Reporter,
    chart: Annotated[str, Query(pattern="^(" + "|".join(CHARTS) + ")$")],
    month: Month = None,
) -> Response:
    """One chart of the monthly report as CSV."""
    first = chosen_month(month)
    selected: Any
    if chart == "satisfaction":
        rows = satisfaction_report(conn, TREND_MONTHS, as_of=month_end(first))
        selected = satisfaction_chart(rows, months_until(first, TREND_MONTHS))
    else:
        stats = monthly_statistics(conn, first)
        if chart in ("region", "model"):
            groups = stats.by_region if chart == "region" else stats.by_model
            flagged = stats.outlier_regions if chart == "region" else stats.outlier_models
            selected = share_chart(chart, groups, flagged)
        else:
            groups = {"cause": stats.by_cause, "category": stats.by_category}.get(
                chart, stats.by_problem
            )
            selected = count_chart(chart, groups)
    filename = f"sanbao-{chart}-{first:%Y-%m}.csv"
    return Response(
        to_csv(selected),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
