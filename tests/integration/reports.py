"""A valid report for a new, unique claim number, reported now."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Remedy, Role
from tests.support.business_day import business_today

AGENT = Actor("agent-7", Role.AGENT)
TECH = Actor("tech-7", Role.TECHNICIAN)


def new_report(**overrides: Any) -> dict[str, Any]:
    bought = business_today() - timedelta(days=20)
    report: dict[str, Any] = {
        "claim_number": f"T-{uuid.uuid4().hex[:10]}",
        "kind": ClaimKind.REPAIR,
        "channel": Channel.PHONE,
        "customer": Customer(name="刘洋", phone="13800138000", region="广东"),
        "items": (
            Item(
                model="XD-450",
                category="lighting",
                serial_no="SN-9",
                batch_no="B9",
                supplier="S",
                price=Decimal("399.00"),
            ),
        ),
        "purchase": Purchase(purchased_on=bought, delivered_on=bought),
        "requested_remedy": Remedy.REPAIR,
        "description": "does not light",
    }
    report.update(overrides)
    return report
