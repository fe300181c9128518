"""A realistic set of claims, built from the reference manuals' own examples.

Each case is reported a number of days before "now" and walked through the
commands the manual describes, so a new user sees a populated ledger whose
decisions can be checked against the text (灯具厂售后客户管理办法 and others).
Loading is idempotent: a case whose claim number already exists is skipped.

A few cases also try a command the ledger refuses (the state table, the closing
rule), as a user might; the refusal is kept for the walk-through and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.application import ClaimCommand, ClaimsLedger
from domain.claim import BUSINESS_TZ, Claim
from domain.errors import ClaimNotFoundError, SanbaoError
from domain.values import Actor, Customer, Item, Purchase, QuoteLine, RepairWork
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    ComplaintGrade,
    EscalationReason,
    InspectionResult,
    PauseReason,
    Priority,
    ProblemCategory,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
    Team,
)

if TYPE_CHECKING:
    from storage.users import UserStore

AGENT = Actor("wang.fang", Role.AGENT)
TECHNICIAN = Actor("li.qiang", Role.TECHNICIAN)
SPECIALIST = Actor("zhao.min", Role.SPECIALIST)
WAREHOUSE = Actor("chen.gang", Role.WAREHOUSE)
# The demo's staff as the console names them (users with a display name, no token handed out).
STAFF_NAMES = {"wang.fang": "王芳", "li.qiang": "李强", "zhao.min": "赵敏", "chen.gang": "陈刚"}


def add_demo_staff(users: UserStore) -> list[str]:
    """Registers the demo's staff with their display names (once); returns those added."""
    known = {user.name for user in users.list()}
    added = []
    for actor in (AGENT, TECHNICIAN, SPECIALIST, WAREHOUSE):
        if actor.user_id not in known:
            users.add(actor.user_id, actor.role, STAFF_NAMES[actor.user_id])
            added.append(actor.user_id)
    return added


@dataclass(frozen=True)
class DemoRefusal:
    """A command the walk-through tried and the ledger refused, with the refusal."""

    claim_number: str
    claim_id: UUID | None
    """None for a refused report: nothing of the claim was stored."""
    method: ClaimCommand | None
    """The claim command refused; None for a refused report."""
    error: SanbaoError


class CasePlayer:
    """Runs one case's commands at business times counted from its report day."""

    def __init__(
        self,
        ledger: ClaimsLedger,
        number: str,
        now: datetime,
        days_ago: int,
        refusals: list[DemoRefusal] | None = None,
    ) -> None:
        self.ledger = ledger
        self.number = number
        self.refusals = refusals if refusals is not None else []
        # Cases start at 09:30 China time on their report day, so the story reads naturally.
        day = (now - timedelta(days=days_ago)).astimezone(BUSINESS_TZ)
        self.start = day.replace(hour=9, minute=30, second=0, microsecond=0)
        self.claim_id: UUID | None = None
        self.commands = 0

    def at(self, hours: float) -> datetime:
        """The moment ``hours`` working hours (8 a day, 09:30-17:30) after the report."""
        days, rest = divmod(hours, 8)
        return self.start + timedelta(days=days, hours=rest)

    def report(self, items: list[Item], purchase_days_ago: int, **kwargs: Any) -> None:
        result = self.ledger.report(AGENT, **self._report(items, purchase_days_ago, kwargs))
        self.claim_id = result.claim_id
        self.commands += 1

    def refused_report(
        self, make_items: Callable[[], list[Item]], purchase_days_ago: int, **kwargs: Any
    ) -> None:
        """Tries a report the ledger must refuse (nothing is stored), and keeps the refusal."""
        try:
            self.ledger.report(AGENT, **self._report(make_items(), purchase_days_ago, kwargs))
        except SanbaoError as error:
            self.refusals.append(DemoRefusal(self.number, None, None, error))
            return
        raise AssertionError(f"{self.number}: the report was not refused")

    def _report(self, items: list[Item], purchase_days_ago: int, kwargs: Any) -> dict[str, Any]:
        purchased = (self.start - timedelta(days=purchase_days_ago)).date()
        return {
            "channel": Channel.PHONE,
            "requested_remedy": None,
            **kwargs,
            "claim_number": self.number,
            "occurred_at": self.at(0),
            "items": tuple(items),
            "purchase": Purchase(purchased, delivered_on=purchased, payment_method="alipay"),
        }

    def do(self, hours: float, actor: Actor, method: ClaimCommand, **kwargs: Any) -> None:
        assert self.claim_id is not None
        self.ledger.command(method, self.claim_id, actor, occurred_at=self.at(hours), **kwargs)
        self.commands += 1

    def refused(self, hours: float, actor: Actor, method: ClaimCommand, **kwargs: Any) -> None:
        """Tries a command the ledger must refuse, and keeps the refusal."""
        assert self.claim_id is not None
        try:
            self.ledger.command(method, self.claim_id, actor, occurred_at=self.at(hours), **kwargs)
        except SanbaoError as error:
            self.refusals.append(DemoRefusal(self.number, self.claim_id, method, error))
            return
        raise AssertionError(f"{self.number}: {method.__name__} was not refused")

    def diagnose(self, hours: float, finding: str, cause: Cause, **kwargs: Any) -> None:
        assert self.claim_id is not None
        self.ledger.command(
            Claim.diagnose,
            self.claim_id,
            TECHNICIAN,
            finding=finding,
            cause=cause,
            occurred_at=self.at(hours),
            **kwargs,
        )
        self.commands += 1

    def triage(self, category: ProblemCategory, team: Team, assignee: str, **kw: Any) -> None:
        self.do(1, AGENT, Claim.classify, problem_category=category, priority=Priority.NORMAL, **kw)
        self.do(1.5, AGENT, Claim.assign, team=team, assignee=assignee)
        self.do(
            2, AGENT, Claim.acknowledge, message="已收到，正在处理", promised_by=self.at(24).date()
        )


def lamp(model: str, name: str, serial: str, price: str, batch: str = "B2026-07") -> Item:
    return Item(
        model=model,
        model_name=name,
        category="lighting",
        serial_no=serial,
        batch_no=batch,
        supplier="佛山照明配件厂",
        price=Decimal(price),
    )


def customer(name: str, phone: str, region: str) -> Customer:
    return Customer(name=name, phone=phone, region=region)


def ceiling_light_wiring_fault(p: CasePlayer) -> None:
    """灯具厂 例1: a ceiling light will not light; wiring fault → free same-model exchange."""
    facts: dict[str, Any] = {
        "purchase_days_ago": 12,
        "kind": ClaimKind.EXCHANGE,
        "customer": customer("刘洋", "13800138001", "广东"),
        "description": "吸顶灯无法点亮",
        "requested_remedy": Remedy.EXCHANGE,
    }
    # The agent first types the model's whole name as its code, then a category the
    # policy does not know: both reports are refused, and nothing is stored.
    p.refused_report(lambda: [lamp("XD-450 吸顶灯", "", "XD450-0001823", "399.00")], **facts)
    light = lamp("XD-450", "吸顶灯", "XD450-0001823", "399.00")
    p.refused_report(lambda: [replace(light, category="lamps")], **facts)
    p.report([light], **facts)
    p.triage(ProblemCategory.PRODUCT_FAULT, Team.TECHNICAL_SUPPORT, "li.qiang")
    p.diagnose(20, "线路故障（焊点虚接）", Cause.QUALITY_DEFECT, item_no=1)
    # A note dated before the diagnosis it follows: business time runs forward.
    p.refused(15, AGENT, Claim.add_note, text="补记：客户来电询问进度")
    p.do(30, WAREHOUSE, Claim.ship_replacement, item_no=1, serial_no="XD450-0002417")
    p.do(60, AGENT, Claim.confirm, note="客户收到新灯，确认满意")
    p.do(70, AGENT, Claim.follow_up, outcome="回访：使用正常")
    p.do(71, AGENT, Claim.survey, score=5, comment="换货很快")
    p.do(72, SPECIALIST, Claim.close, reason="免费更换完成")


def modified_lamp_burned_out(p: CasePlayer) -> None:
    """灯具厂 例2: the customer modified the lamp and it burned out → quoted paid repair."""
    p.report(
        [lamp("DL-120", "落地灯", "DL120-0000457", "259.00")],
        purchase_days_ago=200,
        kind=ClaimKind.REPAIR,
        customer=customer("孙丽", "13900139002", "浙江"),
        description="自行改装后烧毁",
        requested_remedy=Remedy.REPAIR,
    )
    p.triage(ProblemCategory.PRODUCT_FAULT, Team.TECHNICAL_SUPPORT, "li.qiang")
    p.diagnose(22, "用户自行改装线路导致烧毁", Cause.UNAUTHORISED_REPAIR, item_no=1)
    p.do(
        23,
        TECHNICIAN,
        Claim.quote,
        item_no=1,
        lines=(
            QuoteLine("更换灯座及线路（市场价）", Decimal("85.00")),
            QuoteLine("人工", Decimal("40.00")),
        ),
    )
    p.do(30, AGENT, Claim.accept_quote, item_no=1)
    p.do(48, TECHNICIAN, Claim.start_repair, item_no=1, mode=RepairMode.MAIL_IN)
    p.do(
        96,
        TECHNICIAN,
        Claim.record_repair,
        item_no=1,
        outcome=RepairOutcome.FIXED,
        work=RepairWork(
            parts=("灯座", "电源线"),
            labour_hours=Decimal("1.5"),
            parts_cost=Decimal("85.00"),
            labour_cost=Decimal("40.00"),
        ),
    )
    p.do(100, AGENT, Claim.confirm)
    p.do(120, SPECIALIST, Claim.close, reason="有偿维修完成")


def colour_difference_refund(p: CasePlayer) -> None:
    """灯具厂 退换货 例1: colour differs from the listing, within 7 days → full refund."""
    p.report(
        [lamp("TD-30", "台灯", "TD30-0012011", "189.00")],
        purchase_days_ago=3,
        kind=ClaimKind.RETURN,
        channel=Channel.WEB,
        customer=customer("周婷", "13700137003", "江苏"),
        description="收到后发现颜色与描述不符",
        requested_remedy=Remedy.RETURN,
    )
    p.triage(ProblemCategory.DESCRIPTION_MISMATCH, Team.AFTER_SALES_SPECIALIST, "zhao.min")
    p.diagnose(20, "色差明显，与商品页不符", Cause.DESCRIPTION_MISMATCH, item_no=1)
    p.do(50, WAREHOUSE, Claim.receive_return, item_no=1, inspection=InspectionResult.AS_DESCRIBED)
    # Paid with Alipay, refunded in cash: a refund goes back the way it was paid.
    p.refused(59, SPECIALIST, Claim.refund, item_no=1, route="cash")
    # Amount, deductions and route left out: the decision's full 189.00, back to Alipay.
    p.do(60, SPECIALIST, Claim.refund, item_no=1)
    p.do(70, AGENT, Claim.survey, score=4)
    p.do(72, SPECIALIST, Claim.close, reason="全额退款，原路返回")


def used_lamp_discount_exchange(p: CasePlayer) -> None:
    """灯具厂 退换货 例2: a used lamp returned for personal reasons → exchange at 80 %."""
    p.report(
        [lamp("BD-8", "壁灯", "BD8-0003310", "320.00")],
        purchase_days_ago=5,
        kind=ClaimKind.RETURN,
        customer=customer("吴军", "13600136004", "广东"),
        description="个人原因不想要了，已安装使用",
        requested_remedy=Remedy.RETURN,
    )
    p.triage(ProblemCategory.USAGE_QUESTION, Team.AFTER_SALES_SPECIALIST, "zhao.min")
    p.diagnose(
        20,
        "已使用，包装已拆",
        Cause.CUSTOMER_PREFERENCE,
        item_no=1,
        goods_used=True,
        remedy=Remedy.EXCHANGE,
    )
    # The decision fixes the price (320.00 × 80 %): a hand-typed 240.00 is refused ...
    p.refused(
        21,
        SPECIALIST,
        Claim.quote,
        item_no=1,
        lines=(QuoteLine("8折换货", Decimal("240.00")),),
    )
    # ... and a quote without lines is the decided 256.00.
    p.do(22, SPECIALIST, Claim.quote, item_no=1)
    p.do(30, AGENT, Claim.accept_quote, item_no=1)
    p.do(50, WAREHOUSE, Claim.receive_return, item_no=1, inspection=InspectionResult.USED)
    p.do(55, WAREHOUSE, Claim.ship_replacement, item_no=1, serial_no="BD8-0003388")
    p.do(80, AGENT, Claim.confirm)
    p.do(90, SPECIALIST, Claim.close, reason="8折换货完成")


def transport_damage(p: CasePlayer) -> None:
    """灯具厂 投诉 例1: delivered broken → logistics damage, seller bears it."""
    p.report(
        [lamp("XD-600", "吸顶灯", "XD600-0000912", "599.00")],
        purchase_days_ago=2,
        kind=ClaimKind.EXCHANGE,
        customer=customer("郑浩", "13500135005", "四川"),
        description="送货破损，灯罩碎裂",
        requested_remedy=Remedy.EXCHANGE,
    )
    p.triage(ProblemCategory.LOGISTICS_DAMAGE, Team.WAREHOUSE_LOGISTICS, "chen.gang")
    p.diagnose(10, "运输途中挤压破损", Cause.TRANSPORT_DAMAGE, item_no=1)
    p.do(26, WAREHOUSE, Claim.ship_replacement, item_no=1, serial_no="XD600-0001044")
    p.do(60, AGENT, Claim.confirm)
    # A second "first response" would blank the promise: the state table refuses it.
    p.refused(61, AGENT, Claim.acknowledge, message="已收到", promised_by=None)


def bulb_pack_partial_exchange(p: CasePlayer) -> None:
    """A pack of 4 LED bulbs, 2 flicker on day 10 → free exchange of those 2 units only,
    one replacement serial each; the other 2 are kept."""
    pack = Item(
        model="LED-9W",
        model_name="灯泡",
        category="lighting",
        batch_no="B2026-09",
        supplier="东莞芯片灯珠厂",
        quantity=4,
        price=Decimal("29.90"),
    )
    p.report(
        [pack],
        purchase_days_ago=10,
        kind=ClaimKind.EXCHANGE,
        channel=Channel.APP,
        customer=customer("何静", "13000130010", "广东"),
        description="四只灯泡中两只频闪",
        requested_remedy=Remedy.EXCHANGE,
    )
    p.triage(ProblemCategory.PRODUCT_FAULT, Team.TECHNICAL_SUPPORT, "li.qiang")
    p.diagnose(10, "两只驱动电源故障", Cause.QUALITY_DEFECT, item_no=1, quantity=2)
    p.do(
        20,
        WAREHOUSE,
        Claim.ship_replacement,
        item_no=1,
        serial_nos=("LED9-1201", "LED9-1202"),
        shipping_cost=Decimal("12.00"),
    )
    p.do(40, AGENT, Claim.confirm, note="客户收到两只新灯泡")


def technician_attitude_complaint(p: CasePlayer) -> None:
    """灯具厂 投诉 例2: unhappy with a technician's attitude → re-dispatch and apology."""
    p.report(
        [lamp("XD-450", "吸顶灯", "XD450-0001990", "399.00")],
        purchase_days_ago=40,
        kind=ClaimKind.COMPLAINT,
        customer=customer("黄敏", "13400134006", "湖南"),
        description="维修人员态度恶劣",
    )
    p.triage(
        ProblemCategory.SERVICE_COMPLAINT,
        Team.AFTER_SALES_SPECIALIST,
        "zhao.min",
        complaint_grade=ComplaintGrade.GENERAL,
    )
    p.diagnose(24, "安排二次派工并致歉", Cause.SERVICE_FAILURE)
    # A complaint ends only once the customer confirms (reference 004): too early.
    p.refused(30, SPECIALIST, Claim.close, reason="投诉处理完毕")
    p.do(48, AGENT, Claim.confirm, note="客户表示满意")
    p.do(50, AGENT, Claim.follow_up, outcome="回访满意")
    p.do(51, AGENT, Claim.survey, score=5)
    p.do(52, SPECIALIST, Claim.close, reason="投诉处理完毕")


def led_bulb_repeat_failure(p: CasePlayer) -> None:
    """灯具厂 信息管理 例1: an LED bulb that keeps failing; two failed repairs → exchange."""
    bulb = Item(
        model="LED-9W",
        model_name="灯泡",
        category="lighting",
        serial_no="LED9-0451",
        batch_no="B2026-05",
        supplier="东莞芯片灯珠厂",
        price=Decimal("29.90"),
    )
    p.report(
        [bulb],
        purchase_days_ago=90,
        kind=ClaimKind.REPAIR,
        customer=customer("林峰", "13300133007", "广东"),
        description="灯泡频繁闪烁后熄灭",
        requested_remedy=Remedy.REPAIR,
    )
    p.triage(ProblemCategory.PRODUCT_FAULT, Team.TECHNICAL_SUPPORT, "li.qiang")
    p.diagnose(20, "驱动电源故障", Cause.QUALITY_DEFECT, item_no=1)
    p.do(24, TECHNICIAN, Claim.start_repair, item_no=1, mode=RepairMode.MAIL_IN)
    p.do(26, AGENT, Claim.pause_sla, reason=PauseReason.WAITING_ON_PARTS)
    p.do(50, AGENT, Claim.resume_sla)
    p.do(
        72,
        TECHNICIAN,
        Claim.record_repair,
        item_no=1,
        outcome=RepairOutcome.STILL_FAILING,
        work=RepairWork(parts=("驱动板",), labour_hours=Decimal("0.5")),
    )
    p.do(80, TECHNICIAN, Claim.start_repair, item_no=1, mode=RepairMode.MAIL_IN)
    p.do(
        120,
        TECHNICIAN,
        Claim.record_repair,
        item_no=1,
        outcome=RepairOutcome.STILL_FAILING,
        work=RepairWork(parts=("驱动板",), labour_hours=Decimal("0.5")),
    )
    p.do(121, AGENT, Claim.escalate, reason=EscalationReason.CUSTOMER_DISSATISFIED)
    p.diagnose(
        122, "两次维修仍不能正常使用", Cause.QUALITY_DEFECT, item_no=1, remedy=Remedy.EXCHANGE
    )
    p.do(140, WAREHOUSE, Claim.ship_replacement, item_no=1, serial_no="LED9-0977")
    # Resolved, and no SLA clock runs any more: there is nothing to pause.
    p.refused(141, AGENT, Claim.pause_sla, reason=PauseReason.WAITING_ON_CUSTOMER)


# The desk lamp of the unit-history cases: bought 367 days before its second claim, so its
# 12-month warranty ended two or three days before that claim, unless extended.
DESK_LAMP = Item(
    model="TD-30",
    model_name="台灯",
    category="lighting",
    serial_no="TD30-0003391",
    batch_no="B2025-05",
    supplier="中山灯饰五金厂",
    price=Decimal("129.00"),
)
DESK_LAMP_SECOND_CLAIM_DAYS_AGO = 25


def desk_lamp_first_repair(p: CasePlayer) -> None:
    """One history per unit, first claim: the desk lamp is repaired, 4 days in repair."""
    p.report(
        [DESK_LAMP],
        purchase_days_ago=367 - (29 - DESK_LAMP_SECOND_CLAIM_DAYS_AGO),
        kind=ClaimKind.REPAIR,
        customer=customer("周敏", "13100131009", "福建"),
        description="台灯开关接触不良",
        requested_remedy=Remedy.REPAIR,
    )
    p.diagnose(1, "开关触点氧化", Cause.QUALITY_DEFECT, item_no=1)
    p.do(2, TECHNICIAN, Claim.start_repair, item_no=1, mode=RepairMode.MAIL_IN)
    p.do(
        26,  # three days later: four calendar days in repair
        TECHNICIAN,
        Claim.record_repair,
        item_no=1,
        outcome=RepairOutcome.FIXED,
        work=RepairWork(parts=("开关",), labour_hours=Decimal("0.5")),
    )


def desk_lamp_covered_by_extension(p: CasePlayer) -> None:
    """One history per unit, second claim: reported on day 367, past the 12 months, yet
    covered, because the warranty is extended by the 4 days in repair on the first claim."""
    p.report(
        [DESK_LAMP],
        purchase_days_ago=367,
        kind=ClaimKind.REPAIR,
        customer=customer("周敏", "13100131009", "福建"),
        description="台灯再次无法点亮",
        requested_remedy=Remedy.REPAIR,
    )
    p.diagnose(1, "灯头接线松脱", Cause.QUALITY_DEFECT, item_no=1)


def open_report_awaiting_response(p: CasePlayer) -> None:
    """A fresh report nobody has acknowledged yet: the first-response clock runs."""
    p.report(
        [
            Item(
                model="KT-35",
                model_name="空调",
                category="large_appliance",
                serial_no="KT35-88812",
                batch_no="A2025-11",
                supplier="格力配套",
                price=Decimal("3299.00"),
            )
        ],
        purchase_days_ago=300,
        kind=ClaimKind.REPAIR,
        channel=Channel.APP,
        customer=customer("马超", "13200132008", "北京"),
        description="制冷效果差",
        requested_remedy=Remedy.REPAIR,
    )
    # A promise three years ahead lies outside the two-year window of plans.
    promise = p.at(2).date() + timedelta(days=3 * 365)
    p.refused(2, AGENT, Claim.acknowledge, message="已收到", promised_by=promise)


CASES: tuple[tuple[str, int, Callable[[CasePlayer], None]], ...] = (
    ("LF-2026-0001", 20, ceiling_light_wiring_fault),
    ("LF-2026-0002", 18, modified_lamp_burned_out),
    ("LF-2026-0003", 15, colour_difference_refund),
    ("LF-2026-0004", 14, used_lamp_discount_exchange),
    ("LF-2026-0005", 10, transport_damage),
    ("LF-2026-0006", 9, technician_attitude_complaint),
    ("LF-2026-0007", 19, led_bulb_repeat_failure),
    ("LF-2026-0011", 8, bulb_pack_partial_exchange),
    ("SB-2026-0008", 1, open_report_awaiting_response),
    ("LF-2026-0009", 29, desk_lamp_first_repair),
    ("LF-2026-0010", DESK_LAMP_SECOND_CLAIM_DAYS_AGO, desk_lamp_covered_by_extension),
)
# A case that continues the unit of an earlier case is played after it (one unit's
# history spans claims): played alone, its decision would differ.
FOLLOWS = {"LF-2026-0010": "LF-2026-0009"}


def load_demo(
    ledger: ClaimsLedger, now: datetime, refusals: list[DemoRefusal] | None = None
) -> tuple[list[str], int]:
    """Loads every case not yet in the ledger; returns the numbers loaded and commands run.

    The commands the walk-through tried and the ledger refused go to ``refusals``.
    """
    loaded, commands = [], 0
    for number, days_ago, play in CASES:
        try:
            ledger.get_claim_by_number(number)
            continue
        except ClaimNotFoundError:
            pass
        player = CasePlayer(ledger, number, now, days_ago, refusals)
        play(player)
        loaded.append(number)
        commands += player.commands
    return loaded, commands
