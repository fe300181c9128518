"""The demo's showcase of standard repair solutions and stock.

Run after the demo's claims (``sanbao demo``, ``sanbao serve --demo``): the main
warehouse receives LED drivers and XD-600 ceiling lights; an LED bulb that flickers
is diagnosed with the catalogue's fault code LT-FLICKER and repaired with its
standard solution LT-FLICKER-DRIVER, which issues a driver from stock
(LF-2026-0012); two XD-600 exchanges follow: the first reserves the only unit in
stock and ships it (LF-2026-0013), the second finds none, waits with its SLA paused
for parts, and ships once new stock arrived and was reserved for it (LF-2026-0014).
``GET /api/v1/stock`` and ``GET /api/v1/reports/solutions`` show the outcome.
Idempotent: claims loaded already are left as they are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from api.cli.demo import TECHNICIAN, WAREHOUSE, CasePlayer, customer, lamp
from api.cli.messages import t
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.errors import ClaimNotFoundError
from domain.values import RepairWork
from domain.vocabulary import Cause, ClaimKind, Remedy, RepairMode, RepairOutcome

DRIVER = "LED-DRIVER-9W"
LIGHT = "XD-600"
CODED_REPAIR, FIRST_EXCHANGE, WAITING_EXCHANGE = "LF-2026-0012", "LF-2026-0013", "LF-2026-0014"
DAYS_AGO = 6


def load_stock_showcase(ledger: ClaimsLedger, now: datetime) -> list[str]:
    """Receives the stock and plays the three claims not loaded yet; says what is there."""
    if any(_loaded(ledger, n) for n in (CODED_REPAIR, FIRST_EXCHANGE, WAITING_EXCHANGE)):
        return _lines()
    start = now - timedelta(days=DAYS_AGO, hours=1)
    ledger.stock.receive(WAREHOUSE, start, "main", DRIVER, 3, low_stock_at=2, note="首批备件")
    ledger.stock.receive(WAREHOUSE, start, "main", LIGHT, 1, low_stock_at=1, note="首批换货机")
    coded = CasePlayer(ledger, CODED_REPAIR, now, DAYS_AGO)
    coded.report(
        [lamp("LED-9W", "LED 球泡灯", "LED9W-40077", "39.00")],
        purchase_days_ago=40,
        kind=ClaimKind.REPAIR,
        customer=customer("孙丽", "13300133011", "浙江"),
        description="灯泡频繁闪烁",
        requested_remedy=Remedy.REPAIR,
    )
    coded.diagnose(1, "驱动电源输出不稳", Cause.QUALITY_DEFECT, item_no=1, fault_code="LT-FLICKER")
    coded.do(2, TECHNICIAN, Claim.start_repair, item_no=1, mode=RepairMode.ON_SITE)
    coded.do(
        3,
        TECHNICIAN,
        Claim.record_repair,
        item_no=1,
        outcome=RepairOutcome.FIXED,
        work=RepairWork(parts=(DRIVER,), labour_hours=Decimal("0.5")),
        solution_id="LT-FLICKER-DRIVER",
    )
    exchange: dict[str, Any] = {
        "purchase_days_ago": 8,
        "kind": ClaimKind.EXCHANGE,
        "description": "吸顶灯无法点亮",
        "requested_remedy": Remedy.EXCHANGE,
    }
    first = CasePlayer(ledger, FIRST_EXCHANGE, now, DAYS_AGO)
    first.report(
        [lamp(LIGHT, "吸顶灯", "XD600-0000311", "459.00")],
        customer=customer("钱伟", "13400134012", "上海"),
        **exchange,
    )
    first.diagnose(2, "主板烧毁", Cause.QUALITY_DEFECT, item_no=1, fault_code="LT-WIRING")
    first.do(4, WAREHOUSE, Claim.ship_replacement, item_no=1, serial_no="XD600-0000502")
    waiting = CasePlayer(ledger, WAITING_EXCHANGE, now, DAYS_AGO)
    waiting.report(
        [lamp(LIGHT, "吸顶灯", "XD600-0000347", "459.00")],
        customer=customer("郑洁", "13500135013", "湖北"),
        **exchange,
    )
    # No XD-600 left: the diagnosis pauses the claim's SLA for parts, shipping is refused.
    waiting.diagnose(3, "线路故障（焊点虚接）", Cause.QUALITY_DEFECT, item_no=1)
    waiting.refused(3.5, WAREHOUSE, Claim.ship_replacement, item_no=1, serial_no="XD600-0000503")
    ledger.stock.receive(WAREHOUSE, waiting.at(16), "main", LIGHT, 4, note="补货")
    assert waiting.claim_id is not None
    ledger.reserve_stock(WAREHOUSE, waiting.claim_id, 1, occurred_at=waiting.at(16.5))
    waiting.do(17, WAREHOUSE, Claim.ship_replacement, item_no=1, serial_no="XD600-0000503")
    return _lines()


def _loaded(ledger: ClaimsLedger, number: str) -> bool:
    try:
        ledger.get_claim_by_number(number)
    except ClaimNotFoundError:
        return False
    return True


def _lines() -> list[str]:
    return [
        t("showcase.coded_repair", number=CODED_REPAIR, part=DRIVER),
        t("showcase.waiting_exchange", number=WAITING_EXCHANGE, part=LIGHT),
    ]
