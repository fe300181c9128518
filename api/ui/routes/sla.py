"""The SLA board: breached and nearly due clocks, by team and assignee."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.http.deps import ViewConnection
from api.ui import presenters
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, render
from domain.calendar import holiday_sources
from domain.errors import InvalidInputError
from domain.vocabulary import Team
from projections.claims.claim_triage import triage_of
from projections.sla.sla_queries import DUE_SOON, SlaClock, sla_board_page
from storage.console_sessions import Session

router = APIRouter(prefix="/ui/sla", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Watcher = Annotated[Session, page_requires("sla:read")]


def by_owner(clocks: list[SlaClock]) -> dict[str, dict[str, list[SlaClock]]]:
    """Clocks grouped by team, then assignee ("" for none), keeping the board's order."""
    grouped: dict[str, dict[str, list[SlaClock]]] = defaultdict(lambda: defaultdict(list))
    for clock in clocks:
        grouped[clock.team or ""][clock.assignee or ""].append(clock)
    return {team: dict(people) for team, people in grouped.items()}


def team_from(value: str | None) -> Team | None:
    """The team picked in the form ("" for any); InvalidInputError for an unknown one."""
    if not value:
        return None
    try:
        return Team(value)
    except ValueError:
        raise InvalidInputError("team", f"unknown team {value!r}") from None


@router.get("")
def read_sla_board_page(
    request: Request,
    conn: ViewConnection,
    session: Watcher,
    team: Annotated[str | None, Query(max_length=100)] = None,
    assignee: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Breached and nearly due clocks, earliest due first, grouped by team and assignee;
    the earliest ``BOARD_LIMIT`` of them, with the counts of the whole board."""
    chosen = team_from(team)
    now = datetime.now(UTC)
    board = sla_board_page(conn, now, team=chosen, assignee=assignee or None)
    clocks = board.clocks
    counts = {"breached": board.breached, "due_soon": board.due_soon}
    return render(
        request, "sla.html", session, groups=by_owner(clocks), counts=counts,
        shown=len(clocks), total=board.total,
        teams=[t.value for t in Team], team=chosen.value if chosen else "",
        assignee=assignee or "", window_hours=int(DUE_SOON.total_seconds() // 3600),
        calendar=holiday_sources([now.year, now.year + 1]),
        time_left=partial(presenters.time_left, now=now),
        triage=triage_of(conn, (c.claim_id for c in clocks)),
    )  # fmt: skip
