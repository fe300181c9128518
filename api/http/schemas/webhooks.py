"""Webhook schemas at the API edge: a new subscription, its public view, its delivery log."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.times import AnswerTime


class WebhookCreate(BaseModel):
    """A subscription: where to send the events, and which types (all when none)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"url": "https://crm.example.com/hooks/sanbao", "types": ["repaired"]}]
        },
    )

    url: str = Field(min_length=1, max_length=2000, description="http(s), a public address")
    types: list[str] = Field(
        default_factory=list, max_length=50, description="public event types; empty: all"
    )
    after: int | None = Field(
        default=None,
        ge=0,
        le=2**62,
        description="send the events after this position (default: from now on)",
    )


class WebhookPublic(BaseModel):
    """A subscription and how its deliveries stand (its secret is never shown again)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    url: str
    types: list[str]
    status: str = Field(description="active, failing (retrying) or disabled")
    created_by: str
    created_at: AnswerTime
    position: int = Field(description="the last event delivered")
    failing_since: AnswerTime | None
    last_error: str | None
    next_attempt_at: AnswerTime
    disabled_at: AnswerTime | None


class WebhookCreated(WebhookPublic):
    """A new subscription with its signing secret: shown this once."""

    secret: str = Field(description="the Standard Webhooks secret (whsec_…) to verify signatures")


class WebhooksPublic(BaseModel):
    data: list[WebhookPublic]
    count: int


class DeliveryPublic(BaseModel):
    """One event's delivery: delivered, retrying, or abandoned (subscription disabled)."""

    model_config = ConfigDict(from_attributes=True)

    position: int
    event_type: str
    status: str
    attempts: int
    response_status: int | None
    last_error: str | None
    first_attempt_at: AnswerTime
    last_attempt_at: AnswerTime


class DeliveriesPublic(BaseModel):
    data: list[DeliveryPublic]
    count: int
