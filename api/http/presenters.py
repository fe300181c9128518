"""Turns the ledger's results into response fields and headers."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Response

from api.http.fast_paths import json_answer
from api.http.schemas.claims import ClaimChange, ClaimPublic, HistoryEntryPublic
from api.http.schemas.customers import CustomerPublic
from domain.application import CommandResult, HistoryEntry
from domain.claim import Claim

API_PREFIX = "/api/v1"


def etag(version: int) -> str:
    return f'"{version}"'


def change_fields(result: CommandResult) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies every value (the UUID too), on every command.
    return dict(vars(result))


def change_response(result: CommandResult) -> Response:
    """A command's answer with the change's headers."""
    response = json_answer(ClaimChange(**change_fields(result)))
    change_headers(response, result)
    return response


def change_headers(response: Response, result: CommandResult) -> None:
    """ETag (the claim version), X-Ledger-Position and the claim's Location."""
    response.headers["ETag"] = etag(result.version)
    response.headers["X-Ledger-Position"] = str(result.position)
    response.headers["Location"] = f"{API_PREFIX}/claims/{result.claim_id}"


def claim_public(claim: Claim, customer: CustomerPublic) -> ClaimPublic:
    """The claim's state with its customer as this answer may show them."""
    fields = {name: getattr(claim, name) for name in ClaimPublic.model_fields if name != "customer"}
    return ClaimPublic.model_validate({**fields, "customer": customer})


def history_entry(entry: HistoryEntry) -> HistoryEntryPublic:
    """One event of the history; a Reported event's customer is reduced to id and region
    (the sealed personal data is read, and logged, through the claim itself)."""
    data = entry.data
    customer = data.get("customer")
    if customer is not None:
        reduced = {"customer_id": getattr(customer, "customer_id", ""), "region": customer.region}
        data = {**data, "customer": reduced}
    return HistoryEntryPublic(
        version=entry.version,
        event_type=entry.event_type,
        actor=entry.actor.user_id,
        role=entry.actor.role.value,
        occurred_at=entry.occurred_at,
        recorded_at=entry.recorded_at,
        data=data,
    )


def month_start(month: str) -> date:
    """``2026-11`` → the first day of that month."""
    year, number = month.split("-")
    return date(int(year), int(number), 1)
