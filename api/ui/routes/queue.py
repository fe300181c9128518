"""My queue: the signed-in user's open claims, most urgent first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.http.deps import ViewConnection
from api.roles import QUEUE_READ
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, render
from projections.claims.queue_queries import QUEUE_LIMIT, my_queue
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/queue", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Worker = Annotated[Session, page_requires(QUEUE_READ)]


@router.get("")
def read_queue_page(request: Request, conn: ViewConnection, session: Worker) -> Response:
    """The claims assigned to the user that are still open: overdue, then soonest due."""
    now = datetime.now(UTC)
    rows = my_queue(conn, session.user.name, now)
    return render(request, "queue.html", session, rows=rows, now=now, limit=QUEUE_LIMIT)
