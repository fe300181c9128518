"""The public event contract (version 1): one JSON Schema per event type.

Integrators depend on these names and fields, not on the ledger's Python
classes: each public type maps to a domain event here, in one table, and
``tests/unit/feed/contract-v1.json`` pins the schemas (a change to it is a
deliberate new contract version).

What an event carries: its ledger position, the public type, the claim's number
and version, the customer id, the business time (``occurred_at``), the time the
ledger recorded it (``recorded_at``), the actor's role, and the event's business
fields. What it never carries: the customer's name, phone, email, address or
region (sealed personal data); the staff member's user id and the assignee; and
free text typed in conversation or about people (the description, notes,
messages, findings, comments, reasons, evidence descriptions), which nothing
keeps free of personal data. Quote lines and repair parts name goods and work
and are kept. An override is said (``overridden``), not its reason.
Integrators who need those read them through the API, under its roles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidInputError
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    ComplaintGrade,
    EscalationReason,
    InspectionResult,
    PauseReason,
    Payer,
    Priority,
    ProblemCategory,
    ProofOfPurchase,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
    Team,
)
from projections.feed.shapes import (
    BOOLEAN,
    DAY,
    INTEGER,
    MOMENT,
    MONEY,
    TEXT,
    Json,
    Shape,
    array,
    choice,
    record,
)

CONTRACT_VERSION = 1
SCHEMA_ID = "urn:sanbao:events:v1"


@dataclass(frozen=True)
class PublicField:
    """A business field: its shape and how it is read from the event's data."""

    shape: Shape
    source: str | Callable[[Mapping[str, Any]], Any] = ""

    def read(self, name: str, data: Mapping[str, Any]) -> Json:
        if callable(self.source):
            return self.shape.convert(self.source(data))
        return self.shape.convert(data.get(self.source or name))


@dataclass(frozen=True)
class PublicType:
    """A public event type, the domain event it presents, and its business fields."""

    name: str
    domain_event: str
    description: str
    fields: Mapping[str, PublicField] = field(default_factory=dict)

    def business_fields(self, data: Mapping[str, Any]) -> dict[str, Json]:
        return {name: f.read(name, data) for name, f in self.fields.items()}


def _items(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"item_no": n, **_attrs(item)} for n, item in enumerate(data["items"], start=1)]


def _attrs(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else dict(vars(value))


def _overridden(data: Mapping[str, Any]) -> bool:
    return bool(data.get("override_reason"))


def _serials(data: Mapping[str, Any]) -> list[str]:
    return list(data.get("serial_nos") or (data["serial_no"],))


def _work(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda data: getattr(data["work"], name, None) if "work" in data else None


ITEM_NO = PublicField(INTEGER)
ITEM = record(
    {
        "item_no": INTEGER,
        "model": TEXT,
        "model_name": TEXT,
        "category": TEXT,
        "serial_no": TEXT,
        "batch_no": TEXT,
        "supplier": TEXT,
        "quantity": INTEGER,
        "price": MONEY,
    }
)
PURCHASE = record(
    {
        "purchased_on": DAY,
        "delivered_on": DAY.nullable(),
        "proof": choice(ProofOfPurchase),
        "payment_method": TEXT,
        "order_no": TEXT,
    }
)
DECISION = record(
    {
        "rule_id": TEXT,
        "policy_version": TEXT,
        "remedies": array(choice(Remedy)),
        "free": BOOLEAN,
        "responsible": choice(Payer),
        "shipping_payer": choice(Payer),
        "deduction": MONEY,
        "warranty_ends_on": DAY.nullable(),
        "refund_within_days": INTEGER,
        "route_to": choice(Team).nullable(),
    }
)
MONEY_OR_ZERO = Shape(MONEY.schema, lambda v: MONEY.convert(v if v is not None else 0))

TYPES: tuple[PublicType, ...] = (
    PublicType(
        "reported",
        "Reported",
        "A customer's claim was reported.",
        {
            "kind": PublicField(choice(ClaimKind)),
            "channel": PublicField(choice(Channel)),
            "items": PublicField(array(ITEM), _items),
            "purchase": PublicField(PURCHASE),
            "requested_remedy": PublicField(choice(Remedy).nullable()),
        },
    ),
    PublicType(
        "classified",
        "Classified",
        "The problem was classified and prioritised.",
        {
            "problem_category": PublicField(choice(ProblemCategory)),
            "priority": PublicField(choice(Priority)),
            "complaint_grade": PublicField(choice(ComplaintGrade).nullable()),
        },
    ),
    PublicType(
        "assigned",
        "Assigned",
        "The claim was assigned to a team.",
        {
            "team": PublicField(choice(Team)),
        },
    ),
    PublicType(
        "acknowledged",
        "Acknowledged",
        "The customer got a first answer.",
        {
            "promised_by": PublicField(DAY.nullable()),
        },
    ),
    PublicType(
        "diagnosed",
        "Diagnosed",
        "A finding, and for an item the 三包 coverage decision and the remedy chosen.",
        {
            "cause": PublicField(choice(Cause)),
            "item_no": PublicField(INTEGER.nullable()),
            "decision": PublicField(DECISION.nullable()),
            "remedy": PublicField(choice(Remedy).nullable()),
            "quantity": PublicField(INTEGER.nullable()),
        },
    ),
    PublicType(
        "quoted",
        "Quoted",
        "Paid work was quoted.",
        {
            "item_no": ITEM_NO,
            "amount": PublicField(MONEY),
            "lines": PublicField(array(record({"description": TEXT, "amount": MONEY}))),
            "overridden": PublicField(BOOLEAN, _overridden),
        },
    ),
    PublicType(
        "quote_accepted",
        "QuoteAccepted",
        "The customer accepted the quote.",
        {
            "item_no": ITEM_NO,
        },
    ),
    PublicType(
        "quote_declined",
        "QuoteDeclined",
        "The customer declined the quote.",
        {
            "item_no": ITEM_NO,
        },
    ),
    PublicType(
        "repair_scheduled",
        "RepairScheduled",
        "A repair was scheduled.",
        {
            "item_no": ITEM_NO,
            "mode": PublicField(choice(RepairMode)),
            "scheduled_for": PublicField(MOMENT),
        },
    ),
    PublicType(
        "repair_started",
        "RepairStarted",
        "A repair started.",
        {
            "item_no": ITEM_NO,
            "mode": PublicField(choice(RepairMode)),
        },
    ),
    PublicType(
        "repaired",
        "Repaired",
        "A repair finished, fixed or still failing.",
        {
            "item_no": ITEM_NO,
            "outcome": PublicField(choice(RepairOutcome)),
            "parts": PublicField(array(TEXT), lambda d: list(_work("parts")(d) or ())),
            "labour_hours": PublicField(MONEY_OR_ZERO, _work("labour_hours")),
            "cost": PublicField(MONEY_OR_ZERO, _work("cost")),
            "parts_cost": PublicField(MONEY_OR_ZERO, _work("parts_cost")),
            "labour_cost": PublicField(MONEY_OR_ZERO, _work("labour_cost")),
        },
    ),
    PublicType(
        "replacement_shipped",
        "ReplacementShipped",
        "Replacement units were shipped, one serial number each.",
        {
            "item_no": ITEM_NO,
            "serial_nos": PublicField(array(TEXT), _serials),
            "batch_no": PublicField(TEXT),
            "shipping_cost": PublicField(MONEY_OR_ZERO),
        },
    ),
    PublicType(
        "return_received",
        "ReturnReceived",
        "Returned goods arrived and were inspected.",
        {
            "item_no": ITEM_NO,
            "inspection": PublicField(choice(InspectionResult)),
            "shipping_cost": PublicField(MONEY_OR_ZERO),
        },
    ),
    PublicType(
        "refunded",
        "Refunded",
        "An item was refunded, back the way it was paid.",
        {
            "item_no": ITEM_NO,
            "amount": PublicField(MONEY),
            "deductions": PublicField(array(MONEY), lambda d: [x.amount for x in d["deductions"]]),
            "route": PublicField(TEXT),
            "overridden": PublicField(BOOLEAN, _overridden),
        },
    ),
    PublicType(
        "escalated",
        "Escalated",
        "The claim was escalated.",
        {
            "level": PublicField(INTEGER),
            "reason": PublicField(choice(EscalationReason)),
            "clock_run": PublicField(TEXT, lambda d: d.get("clock_run", "")),
        },
    ),
    PublicType(
        "sla_paused",
        "SlaPaused",
        "The SLA clocks were paused.",
        {
            "reason": PublicField(choice(PauseReason)),
        },
    ),
    PublicType("sla_resumed", "SlaResumed", "The SLA clocks run again."),
    PublicType("customer_confirmed", "CustomerConfirmed", "The customer accepted the resolution."),
    PublicType("followed_up", "FollowedUp", "The follow-up call was made."),
    PublicType(
        "surveyed",
        "Surveyed",
        "The customer rated the service.",
        {
            "score": PublicField(INTEGER),
        },
    ),
    PublicType(
        "closed",
        "Closed",
        "The claim was closed.",
        {
            "confirmed": PublicField(BOOLEAN, lambda d: bool(d.get("confirmed"))),
            "overridden": PublicField(BOOLEAN, _overridden),
        },
    ),
    PublicType("rejected", "Rejected", "The claim was rejected."),
    PublicType("withdrawn", "Withdrawn", "The customer withdrew the claim."),
    PublicType("reopened", "Reopened", "A closed claim was reopened."),
    PublicType("note_added", "NoteAdded", "A note was added (its text stays in the ledger)."),
    PublicType(
        "evidence_attached",
        "EvidenceAttached",
        "Evidence was attached by content hash.",
        {
            "sha256": PublicField(TEXT, lambda d: d["evidence"].sha256),
            "media_type": PublicField(TEXT, lambda d: d["evidence"].media_type),
        },
    ),
    PublicType(
        "personal_data_erased",
        "PersonalDataErased",
        "The customer's personal data was erased (their key destroyed).",
    ),
)
BY_NAME = {t.name: t for t in TYPES}
BY_DOMAIN_EVENT = {t.domain_event: t for t in TYPES}

ENVELOPE: dict[str, Shape] = {
    "position": Shape({"type": "integer", "minimum": 1}, int),
    "type": TEXT,
    "schema_version": INTEGER,
    "claim_number": TEXT,
    "version": Shape({"type": "integer", "minimum": 1, "description": "the claim's version"}, int),
    "customer_id": TEXT,
    "occurred_at": MOMENT,
    "recorded_at": MOMENT,
    "actor_role": choice(Role),
}


def event_schema(public: PublicType) -> dict[str, Json]:
    """The JSON Schema of one event type (envelope and business fields)."""
    data = record({name: f.shape for name, f in public.fields.items()}).schema
    properties = {name: shape.schema for name, shape in ENVELOPE.items()}
    properties["type"] = {"const": public.name}
    properties["schema_version"] = {"const": CONTRACT_VERSION}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:sanbao:events:{public.name}:v{CONTRACT_VERSION}",
        "title": public.name,
        "description": public.description,
        "type": "object",
        "properties": {**properties, "data": data},
        "required": [*ENVELOPE, "data"],
        "additionalProperties": False,
    }


def contract_document() -> dict[str, Json]:
    """Every event type's schema, as ``/api/v1/events/schema`` serves it."""
    return {
        "$id": SCHEMA_ID,
        "version": CONTRACT_VERSION,
        "subject_prefix": "sanbao.claims.",
        "types": {t.name: event_schema(t) for t in TYPES},
    }


class UnknownEventTypeError(InvalidInputError):
    """Raised when a filter names an event type the contract does not have."""

    def __init__(self, name: str) -> None:
        super().__init__("types", f"unknown event type {name!r}; known: {', '.join(BY_NAME)}")
        self.detail_zh = f"未知事件类型 {name!r}；可用类型见 /api/v1/events/schema"


def public_types(names: Iterable[str]) -> frozenset[str]:
    """The named public event types; UnknownEventTypeError for a name the contract lacks."""
    wanted = frozenset(n.strip() for n in names if n.strip())
    for name in sorted(wanted):
        if name not in BY_NAME:
            raise UnknownEventTypeError(name)
    return wanted
