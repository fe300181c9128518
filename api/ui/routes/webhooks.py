"""Webhooks in the console: the subscriptions and how they stand, each one's delivery log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response

from api.http.deps import LedgerDep, runtime_of
from api.roles import WEBHOOKS_MANAGE
from api.service.webhook_deliveries import webhook_store
from api.ui.deps import CONSOLE_CHECKS, page_requires
from api.ui.pages import UiRoute, problem_page, render
from storage.console_sessions import Session
from storage.webhooks import WebhookNotFoundError

router = APIRouter(prefix="/ui/webhooks", route_class=UiRoute, dependencies=CONSOLE_CHECKS)
Manager = Annotated[Session, page_requires(WEBHOOKS_MANAGE)]
LOG_SIZE = 100


@router.get("")
def read_webhooks_page(request: Request, ledger: LedgerDep, session: Manager) -> Response:
    """What `GET /api/v1/webhooks` answers, as a page."""
    store = webhook_store(ledger, runtime_of(request).settings)
    return render(request, "webhooks.html", session, webhooks=store.all(), webhook=None)


@router.get("/{webhook_id}")
def read_webhook_page(
    request: Request, ledger: LedgerDep, session: Manager, webhook_id: UUID
) -> Response:
    """One subscription and its latest deliveries (`GET /api/v1/webhooks/{id}/deliveries`)."""
    store = webhook_store(ledger, runtime_of(request).settings)
    try:
        webhook = store.get(webhook_id)
    except WebhookNotFoundError as missing:
        return problem_page(request, missing)
    deliveries = store.deliveries(webhook_id, LOG_SIZE)
    return render(
        request, "webhooks.html", session, webhooks=[], webhook=webhook, deliveries=deliveries
    )
