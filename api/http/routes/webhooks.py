"""Webhook subscriptions: supervisors create, list and delete them and read their delivery log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request, status

from api.http.deps import LedgerDep, requires, runtime_of
from api.http.routes import api_router
from api.http.schemas.webhooks import (
    DeliveriesPublic,
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhooksPublic,
)
from api.roles import WEBHOOKS_MANAGE
from api.service.webhook_deliveries import webhook_store
from api.service.webhook_urls import check_webhook_url
from domain.errors import InvalidInputError
from projections.feed.contract import public_types
from storage.recorder import datastore_of
from storage.users import User
from storage.webhooks import WebhookStore

router = api_router(prefix="/webhooks", tags=["webhooks"])
Manager = Annotated[User, requires(WEBHOOKS_MANAGE)]


class AfterBeyondHeadError(InvalidInputError):
    """Raised when a subscription would start after a position the ledger has not reached."""

    def __init__(self, after: int, head: int) -> None:
        super().__init__("after", f"position {after} is beyond the ledger's head {head}")
        self.detail_zh = f"after：账本位置 {after} 超出账本当前末端 {head}"


def store_of(request: Request, ledger: LedgerDep) -> WebhookStore:
    store: WebhookStore | None = getattr(request.app.state, "webhook_store", None)
    if store is None or store.datastore is not datastore_of(ledger):
        store = webhook_store(ledger, runtime_of(request).settings)
        request.app.state.webhook_store = store
    return store


@router.post("", status_code=status.HTTP_201_CREATED)
def create_webhook(
    request: Request, ledger: LedgerDep, user: Manager, body: WebhookCreate
) -> WebhookCreated:
    """Subscribe a URL to the public events (of some types); the secret is shown only here."""
    types = public_types(body.types)
    head = ledger.recorder.max_notification_id() or 0
    if body.after is not None and body.after > head:
        raise AfterBeyondHeadError(body.after, head)
    url = check_webhook_url(body.url, runtime_of(request).settings.webhook_allow_private)
    after = head if body.after is None else body.after
    webhook, secret = store_of(request, ledger).create(url, sorted(types), user.name, after)
    public = WebhookPublic.model_validate(webhook, from_attributes=True)
    return WebhookCreated(**public.model_dump(), secret=secret)


@router.get("")
def read_webhooks(request: Request, ledger: LedgerDep, _: Manager) -> WebhooksPublic:
    """List the subscriptions and how their deliveries stand."""
    webhooks = store_of(request, ledger).all()
    data = [WebhookPublic.model_validate(w, from_attributes=True) for w in webhooks]
    return WebhooksPublic(data=data, count=len(data))


@router.get("/{webhook_id}")
def read_webhook(
    request: Request, ledger: LedgerDep, _: Manager, webhook_id: UUID
) -> WebhookPublic:
    """One subscription."""
    webhook = store_of(request, ledger).get(webhook_id)
    return WebhookPublic.model_validate(webhook, from_attributes=True)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(request: Request, ledger: LedgerDep, _: Manager, webhook_id: UUID) -> None:
    """Stop sending to a subscription (its delivery log is kept)."""
    store_of(request, ledger).delete(webhook_id)


@router.get("/{webhook_id}/deliveries")
def read_webhook_deliveries(
    request: Request,
    ledger: LedgerDep,
    _: Manager,
    webhook_id: UUID,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveriesPublic:
    """The subscription's delivery log, latest event first: status, attempts, last error."""
    deliveries = store_of(request, ledger).deliveries(webhook_id, limit)
    data = [DeliveryPublic.model_validate(d, from_attributes=True) for d in deliveries]
    return DeliveriesPublic(data=data, count=len(data))
