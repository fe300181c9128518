"""Value objects carried by claim events. Immutable; sequences are tuples."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.errors import InvalidInputError
from domain.vocabulary import (
    Cause,
    Payer,
    ProofOfPurchase,
    Remedy,
    RepairOutcome,
    Role,
    Team,
)

# A model code is what people type to trace a model; names go in model_name.
MODEL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
MODEL_CODE_HINT = (
    "must be a model code: letters, digits and . _ / - (no spaces, at most 64); "
    "put the rest of the name in model_name"
)


class Value:
    """An immutable value: a copy of it is itself.

    The aggregate cache hands out deep copies of claims; copying their values
    field by field was a share of every command's time, for nothing.
    """

    __slots__ = ()

    def __copy__(self) -> Value:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Value:
        return self


@dataclass(frozen=True)
class Actor(Value):
    """Who did something: the authenticated user id and the role they acted in."""

    user_id: str
    role: Role

    def __post_init__(self) -> None:
        if not self.user_id.strip():
            raise InvalidInputError("actor.user_id", "must not be empty")


@dataclass(frozen=True)
class Customer(Value):
    """The person who reported the claim, in plaintext: only ever held in memory.

    Name, phone, email and address are personal data: events keep them sealed
    (``SealedCustomer``) under the customer's own key. The region stays plain,
    for statistics. ``customer_id`` names the key; a claim reported without one
    gets ``claim:<claim number>``, so every claim's customer can be erased.
    """

    name: str
    phone: str = ""
    email: str = ""
    region: str = ""
    customer_id: str = ""
    address: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInputError("customer.name", "must not be empty")
        if not (self.phone or self.email):
            raise InvalidInputError("customer.phone", "a phone number or an email is required")


@dataclass(frozen=True)
class SealedCustomer(Value):
    """The customer as events and the aggregate keep them: personal data sealed.

    ``sealed`` is the AES-256-GCM ciphertext (``domain.personal_data``) of the
    name, phone, email and address under the key of ``customer_id``; it is empty
    once the personal data was erased. The region stays plain for statistics.
    """

    customer_id: str
    region: str
    sealed: str

    @property
    def erased(self) -> bool:
        return not self.sealed


@dataclass(frozen=True)
class Item(Value):
    """One purchased item the claim is about; serial and batch make it traceable.

    ``model`` is the model code that traceability and filters match exactly
    (``XD-450``); ``model_name`` is a display name that is only shown
    (``吸顶灯``). Items recorded before display names existed decode with an
    empty one (``domain.transcodings`` fills in defaults).
    """

    model: str
    category: str
    serial_no: str = ""
    batch_no: str = ""
    supplier: str = ""
    quantity: int = 1
    price: Decimal = Decimal("0")
    model_name: str = ""

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise InvalidInputError("items.model", "must not be empty")
        if not MODEL_CODE.fullmatch(self.model):
            raise InvalidInputError("items.model", MODEL_CODE_HINT)
        if not self.category.strip():
            raise InvalidInputError("items.category", "must not be empty")
        if self.quantity < 1:
            raise InvalidInputError("items.quantity", "must be at least 1")
        if self.price < 0:
            raise InvalidInputError("items.price", "must not be negative")


@dataclass(frozen=True)
class Purchase(Value):
    """When and how the items were bought, and what proof (三包凭证) exists."""

    purchased_on: date
    delivered_on: date | None = None
    proof: ProofOfPurchase = ProofOfPurchase.INVOICE
    payment_method: str = ""
    order_no: str = ""

    def __post_init__(self) -> None:
        if self.delivered_on is not None and self.delivered_on < self.purchased_on:
            raise InvalidInputError("purchase.delivered_on", "must not be before purchased_on")

    @property
    def received_on(self) -> date:
        """The day the customer received the goods; the 7/15-day windows count from it."""
        return self.delivered_on or self.purchased_on


@dataclass(frozen=True)
class RepairRecord(Value):
    """One past repair of an item: its dates and whether it fixed the fault."""

    started_on: date
    finished_on: date
    outcome: RepairOutcome

    @property
    def days_in_repair(self) -> int:
        return (self.finished_on - self.started_on).days + 1


@dataclass(frozen=True)
class PolicyQuery(Value):
    """The facts the 三包 policy needs to decide one item's coverage."""

    category: str
    purchased_on: date
    reported_on: date
    cause: Cause
    delivered_on: date | None = None
    proof: ProofOfPurchase = ProofOfPurchase.INVOICE
    price: Decimal = Decimal("0")
    repairs: tuple[RepairRecord, ...] = ()
    exchanged_on: date | None = None
    # Whether returned goods were used: a no-reason return of used goods is only
    # a paid exchange or a return less depreciation.
    goods_used: bool = False
    # An extended warranty plan (延保) sold against the unit that covers this
    # cause on the report day: the warranty runs until the plan's end if later.
    plan_id: str = ""
    plan_ends_on: date | None = None


@dataclass(frozen=True)
class CoverageDecision(Value):
    """What the 三包 policy grants for one item, and why (rule id + policy version)."""

    rule_id: str
    policy_version: str
    remedies: tuple[Remedy, ...]
    free: bool
    responsible: Payer
    shipping_payer: Payer
    explanation: str
    deduction: Decimal = Decimal("0")
    deduction_basis: str = ""
    warranty_ends_on: date | None = None
    refund_within_days: int = 7
    route_to: Team | None = None
    discount_rate: Decimal | None = None
    repair_fee: Decimal | None = None
    plan_id: str = ""
    """The extended warranty plan that kept the item in warranty; empty when none did."""

    # ``deduction`` is per unit: the policy works on the unit price (``PolicyQuery.price``),
    # so a refund of n units deducts n × ``deduction`` (``domain.refunds``), a paid
    # exchange costs n × the unit price × ``discount_rate`` and a paid repair n ×
    # ``repair_fee`` where the policy's fee schedule has one (``domain.quotes``).


@dataclass(frozen=True)
class QuoteLine(Value):
    description: str
    amount: Decimal

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidInputError("lines.amount", "must not be negative")


@dataclass(frozen=True)
class Deduction(Value):
    """An amount kept back from a refund, with its reason (depreciation, discount)."""

    reason: str
    amount: Decimal

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidInputError("deductions.amount", "must not be negative")


@dataclass(frozen=True)
class Evidence(Value):
    """A piece of evidence by content hash (sha256 hex) and media type.

    An uploaded file (``storage.evidence_files``) also records its size, its kind
    (photo, video, invoice), who uploaded it and when the service received it,
    and the customer whose key seals its bytes (``sealed_for``; empty: stored in
    clear). The media type of an upload is sniffed from its content. Evidence
    attached by hash only (kept elsewhere) and facts recorded before uploads
    existed decode with the defaults: size 0, no kind, not stored here.
    """

    sha256: str
    media_type: str
    description: str = ""
    size: int = 0
    kind: str = ""
    uploaded_by: str = ""
    uploaded_at: datetime | None = None
    sealed_for: str = ""

    def __post_init__(self) -> None:
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise InvalidInputError("sha256", "must be 64 lowercase hex digits")
        if "/" not in self.media_type:
            raise InvalidInputError("media_type", "must be a media type such as image/jpeg")
        if self.size < 0:
            raise InvalidInputError("size", "must not be negative")

    @property
    def stored(self) -> bool:
        """Whether the bytes were uploaded to the ledger (not only their hash)."""
        return self.uploaded_at is not None


@dataclass(frozen=True)
class RepairWork(Value):
    """Parts and labour used in a repair, and what it cost.

    ``cost`` is the repair's whole cost; ``parts_cost`` and ``labour_cost`` break it
    down. Given only the breakdown, the cost is its sum; a cost not broken down
    (repairs recorded before the breakdown existed) counts as labour in the totals.
    """

    parts: tuple[str, ...] = ()
    labour_hours: Decimal = Decimal("0")
    cost: Decimal = Decimal("0")
    parts_cost: Decimal = Decimal("0")
    labour_cost: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        for name in ("labour_hours", "cost", "parts_cost", "labour_cost"):
            if getattr(self, name) < 0:
                raise InvalidInputError(name, "must not be negative")
        broken_down = self.parts_cost + self.labour_cost
        if self.cost == 0:
            object.__setattr__(self, "cost", broken_down)
        elif broken_down > self.cost:
            raise InvalidInputError(
                "cost", f"parts and labour ({broken_down}) exceed the repair's cost {self.cost}"
            )

    @property
    def labour_total(self) -> Decimal:
        """The labour cost, with any cost not broken down into parts and labour."""
        return self.cost - self.parts_cost


@dataclass(frozen=True)
class Costs(Value):
    """What a claim's work cost the seller: parts, labour, shipping and refunds."""

    parts: Decimal = Decimal("0")
    labour: Decimal = Decimal("0")
    shipping: Decimal = Decimal("0")
    refunds: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return self.parts + self.labour + self.shipping + self.refunds

    def __add__(self, other: Costs) -> Costs:
        return Costs(
            self.parts + other.parts,
            self.labour + other.labour,
            self.shipping + other.shipping,
            self.refunds + other.refunds,
        )
