"""Request bodies the e2e tests share."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.support.business_day import business_today


def report_body(serial_no: str | None = None) -> dict[str, Any]:
    return {
        "kind": "exchange",
        "channel": "phone",
        "customer": {"name": "刘洋", "phone": "13800138001", "region": "广东"},
        "items": [
            {
                "model": "XD-450",
                "model_name": "吸顶灯",
                "category": "lighting",
                "serial_no": serial_no or f"E2E-{uuid.uuid4().hex[:10]}",
                "batch_no": "B2026-07",
                "supplier": "佛山照明配件厂",
                "price": "399.00",
            }
        ],
        "purchase": {"purchased_on": (business_today() - timedelta(days=5)).isoformat()},
        "requested_remedy": "exchange",
        "description": "吸顶灯无法点亮",
    }


def new_claim(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    """Reports a fresh claim; returns the response body (claim_id, version, position …)."""
    response = client.post("/api/v1/claims", json=report_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
