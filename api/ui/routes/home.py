"""The console's home: today's workload, this month against last, and each team's month."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.http.deps import ViewConnection
from api.roles import QUEUE_READ, allows
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, render
from projections.claims.overview_queries import overview
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/home", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Reader = Annotated[Session, page_requires("claims:read")]


@router.get("")
def read_home_page(request: Request, conn: ViewConnection, session: Reader) -> Response:
    """Open, overdue and due today; this month against last; CSAT and on time by team."""
    figures = overview(conn, datetime.now(UTC))
    role = session.user.role
    return render(
        request, "home.html", session, figures=figures,
        show_teams=allows(role, "reports:read"), show_queue=allows(role, QUEUE_READ),
    )  # fmt: skip
