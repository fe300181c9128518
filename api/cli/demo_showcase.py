"""The demo's showcase of a unit's extended warranty plan and an uploaded photo.

Run after the demo's claims (``sanbao demo``, ``sanbao serve --demo``), on the
service's PostgreSQL: an air conditioner registered at sale 800 days ago, past
its 24-month statutory warranty, with the policy's ``ext-2y-appliance`` plan
sold against it (``GET /api/v1/units/KT35-90001`` shows it; a quality defect
reported for it now is decided in warranty, naming the plan); and a photo of
the open air-conditioner claim SB-2026-0008, uploaded as evidence (its
thumbnail shows on the claim's console page). Idempotent: what is there already
is left as it is.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from PIL import Image, ImageDraw

from api.cli.messages import t
from api.service.evidence_uploads import upload_evidence_file
from domain.application import ClaimsLedger
from domain.claim import BUSINESS_TZ
from domain.errors import ClaimNotFoundError
from domain.evidence_files import EvidenceKind
from domain.values import Actor
from domain.vocabulary import Role
from projections.reports.plans import record_plan_sale
from storage.recorder import datastore_of

AGENT = Actor("wang.fang", Role.AGENT)
TECHNICIAN = Actor("li.qiang", Role.TECHNICIAN)
PLAN_SERIAL = "KT35-90001"
PLAN_ID = "ext-2y-appliance"
PHOTO_CLAIM = "SB-2026-0008"
PHOTO_MAX_BYTES = 5 * 1024 * 1024


def demo_photo() -> bytes:
    """A drawn photo of an air conditioner's panel with a crack (a JPEG)."""
    image = Image.new("RGB", (640, 480), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 120, 560, 320), fill=(248, 250, 252), outline=(100, 116, 139), width=6)
    draw.line((180, 150, 260, 230, 240, 300, 330, 310), fill=(185, 28, 28), width=5)
    draw.rectangle((120, 280, 520, 300), fill=(148, 163, 184))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def load_showcase(ledger: ClaimsLedger, now: datetime) -> list[str]:
    """Registers the plan's unit and sells it the plan, uploads the photo; says what is there."""
    lines: list[str] = []
    today = now.astimezone(BUSINESS_TZ).date()
    units = ledger.units
    if units.registration(PLAN_SERIAL) is None:
        ledger.register_unit(
            AGENT,
            serial_no=PLAN_SERIAL,
            model="KT-35",
            purchased_on=today - timedelta(days=800),
            channel="京东自营",
            category="large_appliance",
        )
    registration = units.registration(PLAN_SERIAL)
    assert registration is not None
    if not registration.plans:
        policy = ledger.policies.in_force(today)
        sale = units.sell_plan(AGENT, ledger.clock(), PLAN_SERIAL, policy, PLAN_ID)
        record_plan_sale(datastore_of(ledger), PLAN_SERIAL, sale)
        registration = units.registration(PLAN_SERIAL)
        assert registration is not None
    plan = registration.plans[0]
    span = {"starts": plan.starts_on, "ends": plan.ends_on}
    lines.append(t("showcase.plan", serial=PLAN_SERIAL, plan=plan.plan_id, name=plan.name, **span))
    try:
        claim = ledger.get_claim_by_number(PHOTO_CLAIM)
    except ClaimNotFoundError:
        return lines
    if not any(e.stored for e in claim.evidence):
        upload_evidence_file(
            ledger,
            claim.id,
            TECHNICIAN,
            demo_photo(),
            EvidenceKind.PHOTO,
            PHOTO_MAX_BYTES,
            "空调面板裂纹照片",
        )
    lines.append(t("showcase.photo", number=PHOTO_CLAIM))
    return lines
