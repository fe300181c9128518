"""The closed vocabularies of the after-sales domain (from the reference manuals).

Each enum's value is the stable string stored in events and shown in the API.
They are plain ``Enum`` (not ``StrEnum``) on purpose: JSON would silently store a
str subclass as a bare string, and replayed events would lose their type.
"""

from __future__ import annotations

from enum import Enum


class ClaimKind(Enum):
    """What the customer asks for when reporting."""

    REPAIR = "repair"
    EXCHANGE = "exchange"
    RETURN = "return"
    COMPLAINT = "complaint"
    CONSULTATION = "consultation"


class Channel(Enum):
    """How the claim reached the service team."""

    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    APP = "app"
    CHAT = "chat"
    ON_SITE = "on_site"


class Remedy(Enum):
    """The three 三包 remedies: 包修 repair, 包换 exchange, 包退 return (refund)."""

    REPAIR = "repair"
    EXCHANGE = "exchange"
    RETURN = "return"


class ProofOfPurchase(Enum):
    """三包凭证: what the customer can show."""

    INVOICE = "invoice"
    WARRANTY_CARD = "warranty_card"
    NONE = "none"


class ProblemCategory(Enum):
    """Problem classes used for routing and statistics."""

    PRODUCT_FAULT = "product_fault"
    USAGE_QUESTION = "usage_question"
    LOGISTICS_DAMAGE = "logistics_damage"
    DESCRIPTION_MISMATCH = "description_mismatch"
    SIZE_MISMATCH = "size_mismatch"
    SERVICE_COMPLAINT = "service_complaint"


class Priority(Enum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ComplaintGrade(Enum):
    """Complaints are graded general or serious (apparel manual)."""

    GENERAL = "general"
    SERIOUS = "serious"


class Team(Enum):
    """The roles or teams a claim can be assigned to."""

    SERVICE_DESK = "service_desk"
    TECHNICAL_SUPPORT = "technical_support"
    AFTER_SALES_SPECIALIST = "after_sales_specialist"
    WAREHOUSE_LOGISTICS = "warehouse_logistics"


class Cause(Enum):
    """The diagnosed cause; it drives the coverage decision."""

    QUALITY_DEFECT = "quality_defect"
    DESCRIPTION_MISMATCH = "description_mismatch"
    MISUSE = "misuse"
    UNAUTHORISED_REPAIR = "unauthorised_repair"
    FORCE_MAJEURE = "force_majeure"
    TRANSPORT_DAMAGE = "transport_damage"
    WEAR = "wear"
    NO_FAULT_FOUND = "no_fault_found"
    CUSTOMER_PREFERENCE = "customer_preference"
    SERVICE_FAILURE = "service_failure"


class Payer(Enum):
    """Who bears a cost (shipping, work)."""

    SELLER = "seller"
    CUSTOMER = "customer"
    NOBODY = "nobody"


class RepairMode(Enum):
    ON_SITE = "on_site"
    MAIL_IN = "mail_in"
    REMOTE = "remote"


class RepairOutcome(Enum):
    FIXED = "fixed"
    STILL_FAILING = "still_failing"


class InspectionResult(Enum):
    """What the warehouse found when returned goods arrived."""

    AS_DESCRIBED = "as_described"
    USED = "used"
    DAMAGED_PACKAGING = "damaged_packaging"
    NOT_AS_DESCRIBED = "not_as_described"


class EscalationReason(Enum):
    OVERDUE = "overdue"
    CUSTOMER_DISSATISFIED = "customer_dissatisfied"
    SERIOUS_COMPLAINT = "serious_complaint"


class PauseReason(Enum):
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    WAITING_ON_PARTS = "waiting_on_parts"


class Role(Enum):
    """Roles of the people who act on claims."""

    AGENT = "agent"
    TECHNICIAN = "technician"
    SPECIALIST = "specialist"
    WAREHOUSE = "warehouse"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    SYSTEM = "system"


class RefundRoute(Enum):
    """Where a refund goes: back the way the purchase was paid (原路返回, reference 004)."""

    ALIPAY = "alipay"
    WECHAT_PAY = "wechat_pay"
    BANK_CARD = "bank_card"
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"


# The spellings of ``Purchase.payment_method`` (free text at intake) that name each
# route. A payment method not listed here is its own route, compared without case.
PAYMENT_ROUTES: dict[str, RefundRoute] = {
    "alipay": RefundRoute.ALIPAY,
    "支付宝": RefundRoute.ALIPAY,
    "huabei": RefundRoute.ALIPAY,
    "花呗": RefundRoute.ALIPAY,
    "wechat_pay": RefundRoute.WECHAT_PAY,
    "wechat": RefundRoute.WECHAT_PAY,
    "wechatpay": RefundRoute.WECHAT_PAY,
    "weixin": RefundRoute.WECHAT_PAY,
    "wx": RefundRoute.WECHAT_PAY,
    "微信": RefundRoute.WECHAT_PAY,
    "微信支付": RefundRoute.WECHAT_PAY,
    "bank_card": RefundRoute.BANK_CARD,
    "card": RefundRoute.BANK_CARD,
    "credit_card": RefundRoute.BANK_CARD,
    "debit_card": RefundRoute.BANK_CARD,
    "unionpay": RefundRoute.BANK_CARD,
    "银联": RefundRoute.BANK_CARD,
    "银行卡": RefundRoute.BANK_CARD,
    "信用卡": RefundRoute.BANK_CARD,
    "bank_transfer": RefundRoute.BANK_TRANSFER,
    "transfer": RefundRoute.BANK_TRANSFER,
    "银行转账": RefundRoute.BANK_TRANSFER,
    "对公转账": RefundRoute.BANK_TRANSFER,
    "cash": RefundRoute.CASH,
    "现金": RefundRoute.CASH,
}


def refund_route_of(payment_method: str) -> str:
    """The refund route for a payment method (or a route as typed): the mapped route's
    value, else the method itself, trimmed and lower-cased; empty when none is named."""
    spelled = payment_method.strip().lower().replace("-", "_").replace(" ", "_")
    route = PAYMENT_ROUTES.get(spelled)
    return route.value if route is not None else spelled
