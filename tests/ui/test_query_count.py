"""No page costs more than one round trip to the database per view it shows (no N+1).

Statements are counted by wrapping psycopg's ``Cursor.execute`` (through which
every query of the app, the library's recorder and the views' queries pass)
for the threads that serve requests: the views' runner, the SLA sweep and the
position watcher work in threads of their own and are left out. Each page is
asked for once to warm the connection pool (a new connection runs one setup
statement), then counted: one statement finds the session, then one per view.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from domain.vocabulary import Role

pytestmark = pytest.mark.postgres

BACKGROUND = (
    "view-runner",
    "sla-sweep",
    "ledger-checkpoints",
    "position-watcher",
    "prefetch",
    "idempotency-retention",
    "webhook-deliveries",
    "nats-publisher",
    "database-probe",
)
SESSION = ["the signed-in session"]
# Each page, and the views it shows (each should be one round trip).
PAGES = {
    "/ui/claims": ["claims list with SLA clocks"],
    "/ui/claims?status=closed&overdue=false&model=XD-450": ["claims list"],
    "/ui/claims/LF-2026-0001": [
        "claim state and timeline (its events)",
        "the customer's key (to show them masked)",
        "the access-log record of that disclosure (committed before the page leaves)",
        "SLA clocks",
    ],
    "/ui/claims/LF-2026-0007?version=3": [
        "claim state at v3 and timeline (its events)",
        "the customer's key",
        "the access-log record",
    ],
    "/ui/sla": ["SLA board", "priority and region of the claims on it"],
    "/ui/trace": [],
    "/ui/trace?by=serial&key=LED9-0451": ["the serial's chain", "its claims and events"],
    "/ui/trace?by=batch&key=B2026-07": ["batch summary"],
    "/ui/trace?by=model&key=LED-9W": ["model summary"],
    "/ui/trace?by=supplier&key=佛山照明配件厂": ["supplier summary"],
    "/ui/reports/monthly": [
        "the last month with claims (no month asked for)",
        "monthly statistics",
        "processing time (claims resolved in the month)",
        "SLA breaches by owner",
        "warranty cost by model, supplier and cause",
        "satisfaction trend",
        "faults by code",
        "repairs by fault code and solution",
    ],
    "/ui/reports/monthly.csv?chart=region": ["monthly statistics"],
    "/ui/reports/monthly.csv?chart=satisfaction": ["satisfaction trend"],
    "/ui/integrity": [
        "chain head",
        "last signed checkpoint",
        "last verification",
        "past verifications",
    ],
    "/ui/home": ["open, overdue and due today", "this month and last", "the month by team"],
    "/ui/queue": ["the user's open claims with their next SLA clock"],
    "/ui/new-claim": [],  # the policy's categories are in memory
    "/ui/users": ["users"],
    "/ui/downloads": [],
    "/ui/claims/LF-2026-0007/service-record": [
        "claim state (its events)",
        "the customer's key",
        "the access-log record",
    ],
}


# Reads a process keeps for a few seconds rather than repeating per page (staff display
# names, api.ui.staff): a page makes them at most once per few seconds, so they are no
# round trip of the page's own.
KEPT_FOR_SECONDS = ("SELECT name, display_name FROM api.users",)


class StatementCounter:
    """Statements executed by request-serving threads while ``counting`` is set."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.counting = False
        self.lock = threading.Lock()

    def note(self, query: object, cursor: psycopg.Cursor) -> None:  # type: ignore[type-arg]
        if self.counting and threading.current_thread().name not in BACKGROUND:
            text = query.as_string(cursor) if isinstance(query, sql.Composable) else str(query)
            with self.lock:
                if not any(kept in text for kept in KEPT_FOR_SECONDS):
                    self.statements.append(" ".join(text.split()))


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Iterator[StatementCounter]:
    found = StatementCounter()
    execute = psycopg.Cursor.execute

    def counted(self, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        found.note(query, self)
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    yield found


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_takes_one_round_trip_per_view(
    as_role: dict[Role, TestClient], counter: StatementCounter, path: str
) -> None:
    browser = as_role[Role.SUPERVISOR]
    assert browser.get(path).status_code == 200  # warm the pool
    counter.counting = True
    response = browser.get(path)
    counter.counting = False
    assert response.status_code == 200
    views = SESSION + PAGES[path]
    assert len(counter.statements) == len(views), counter.statements


def test_the_counter_sees_the_statements_of_a_request(
    as_role: dict[Role, TestClient], counter: StatementCounter
) -> None:
    counter.counting = True
    as_role[Role.SUPERVISOR].get("/ui/sla")
    counter.counting = False
    assert any("ui_sessions" in s for s in counter.statements), counter.statements
    assert any("sla_clocks" in s for s in counter.statements), counter.statements
