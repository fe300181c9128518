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
