"""The Claim aggregate (售后案件): one customer's request about one or more items.

Public methods are commands: they check the claim's state first and raise a
``LifecycleError`` (or a subclass) before any event is triggered, so a refused
command stores nothing. Each command then calls a private ``@event`` method
whose body only mutates state, so replaying history never re-runs checks.

Every event carries the ``actor`` and the business time ``occurred_at``; the
library's ``timestamp`` is the time the ledger recorded it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from domain.errors import (
    AlreadyErasedError,
    AlreadyEscalatedError,
    ClaimClosedError,
    InvalidInputError,
    ItemNotFoundError,
    LifecycleError,
)
from domain.intake import check_categories, intake_policy
from domain.item_track import REMEDY_DONE, SETTLED, WORK_IN_PROGRESS, ItemStage, ItemState
from domain.policy import PolicyDocument, check_remedy, default_policy_book
from domain.values import (
    Actor,
    CoverageDecision,
    Customer,
    Deduction,
    Evidence,
    Item,
    PolicyQuery,
    Purchase,
    QuoteLine,
    RepairRecord,
    RepairWork,
    SealedCustomer,
)
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
    Team,
)

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
CLAIM_NAMESPACE = uuid5(NAMESPACE_URL, "https://sanbao-ledger/claims")


class ClaimStatus(Enum):
    REPORTED = "reported"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


TERMINAL = frozenset({ClaimStatus.CLOSED, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN})


def business_date(moment: datetime) -> date:
    """The calendar date of a moment in China, where the 三包 day counts are kept."""
    return moment.astimezone(BUSINESS_TZ).date()


class Claim(Aggregate):
    """A service claim and its whole lifecycle."""

    # A class default, for claims restored from snapshots taken before erasure existed.
    personal_data_erased = False

    @staticmethod
    def create_id(claim_number: str, **_: Any) -> UUID:
        """Claim ids derive from the claim number, which makes reporting idempotent."""
        return uuid5(CLAIM_NAMESPACE, claim_number)

    @event("Reported")
    def __init__(
        self,
        claim_number: str,
        actor: Actor,
        occurred_at: datetime,
        kind: ClaimKind,
        channel: Channel,
        customer: SealedCustomer | Customer,
        items: tuple[Item, ...],
        purchase: Purchase,
        requested_remedy: Remedy | None,
        description: str,
    ) -> None:
        # Claims recorded before personal data was sealed carry a plaintext Customer.
        self.claim_number = claim_number
        self.reported_by = actor
        self.reported_at = occurred_at
        self.kind = kind
        self.channel = channel
        self.customer = customer
        self.purchase = purchase
        self.requested_remedy = requested_remedy
        self.description = description
        self.items = [ItemState(no=i + 1, item=item) for i, item in enumerate(items)]
        self.status = ClaimStatus.REPORTED
        self.problem_category: ProblemCategory | None = None
        self.priority = Priority.NORMAL
        self.complaint_grade: ComplaintGrade | None = None
        self.team: Team | None = None
        self.assignee: str | None = None
        self.acknowledged_at: datetime | None = None
        self.promised_by: date | None = None
        self.finding: str | None = None
        self.escalation_level = 0
        self.escalated_clock_runs: list[str] = []
        self.sla_paused = False
        self.confirmed = False
        self.followed_up = False
        self.satisfaction: int | None = None
        self.evidence: list[Evidence] = []
        self.note_count = 0
        self.outcome_reason: str | None = None
        self.personal_data_erased = False

    @classmethod
    def report(
        cls,
        claim_number: str,
        actor: Actor,
        occurred_at: datetime,
        kind: ClaimKind,
        channel: Channel,
        customer: SealedCustomer,
        items: tuple[Item, ...],
        purchase: Purchase,
        requested_remedy: Remedy | None,
        description: str,
        policy: PolicyDocument | None = None,
    ) -> Claim:
        """Checks a new report and opens the claim (the Reported event).

        The customer comes sealed (``domain.personal_data``): no event records
        personal data in plaintext. Every item's category must be one the policy
        in force knows (the shipped book's when ``policy`` is not given), or the
        claim could never be diagnosed.
        """
        if not claim_number.strip():
            raise InvalidInputError("claim_number", "must not be empty")
        if not items:
            raise InvalidInputError("items", "a claim needs at least one item")
        if business_date(occurred_at) < purchase.purchased_on:
            raise InvalidInputError("occurred_at", "a claim cannot precede the purchase")
        if not isinstance(customer, SealedCustomer) or customer.erased:
            raise TypeError("a claim records its customer sealed (domain.personal_data.seal)")
        reported_on = business_date(occurred_at)
        check_categories(items, policy or intake_policy(default_policy_book(), reported_on))
        return cls(
            claim_number=claim_number,
            actor=actor,
            occurred_at=occurred_at,
            kind=kind,
            channel=channel,
            customer=customer,
            items=tuple(items),
            purchase=purchase,
            requested_remedy=requested_remedy,
            description=description,
        )

    # -- state helpers ------------------------------------------------------

    def item(self, item_no: int) -> ItemState:
        """The item with this 1-based number, or ItemNotFoundError."""
        if not 1 <= item_no <= len(self.items):
            raise ItemNotFoundError(item_no, len(self.items))
        return self.items[item_no - 1]

    @property
    def is_resolved(self) -> bool:
        """Every item settled, or (complaints, consultations) a resolution proposed."""
        if self.kind in (ClaimKind.COMPLAINT, ClaimKind.CONSULTATION) and self.finding:
            return all(i.stage in SETTLED or i.stage is ItemStage.PENDING for i in self.items)
        return all(i.stage in SETTLED for i in self.items)

    def _recompute_status(self) -> None:
        if self.status in TERMINAL:
            return
        if self.is_resolved:
            self.status = ClaimStatus.RESOLVED
        elif any(i.stage is ItemStage.QUOTED for i in self.items):
            self.status = ClaimStatus.AWAITING_CUSTOMER
        else:
            self.status = ClaimStatus.IN_PROGRESS

    def check_open(self, action: str) -> None:
        """Refuses anything but reopen on a closed, rejected or withdrawn claim."""
        if self.status is ClaimStatus.CLOSED:
            raise ClaimClosedError(action)
        if self.status in TERMINAL:
            raise LifecycleError(action, self.status.value, "only reopen is possible")

    def check_resolved(self, action: str) -> None:
        self.check_open(action)
        if self.status is not ClaimStatus.RESOLVED:
            raise LifecycleError(action, self.status.value, "the claim is not resolved yet")

    def check_no_work_in_progress(self, action: str) -> None:
        for state in self.items:
            if state.stage in WORK_IN_PROGRESS:
                raise LifecycleError(
                    action, self.status.value, f"work on item {state.no} is under way"
                )

    def policy_query(self, item_no: int, cause: Cause, goods_used: bool = False) -> PolicyQuery:
        """The facts the 三包 policy needs to decide this item's coverage."""
        state = self.item(item_no)
        return PolicyQuery(
            category=state.item.category,
            purchased_on=self.purchase.purchased_on,
            delivered_on=self.purchase.delivered_on,
            reported_on=business_date(self.reported_at),
            cause=cause,
            proof=self.purchase.proof,
            price=state.item.price,
            repairs=tuple(state.repairs),
            exchanged_on=state.exchanged_on,
            goods_used=goods_used,
        )

    # -- triage -------------------------------------------------------------

    def classify(
        self,
        actor: Actor,
        occurred_at: datetime,
        problem_category: ProblemCategory,
        priority: Priority,
        complaint_grade: ComplaintGrade | None = None,
    ) -> None:
        self.check_open("classify")
        if complaint_grade is None and self.kind is ClaimKind.COMPLAINT:
            complaint_grade = ComplaintGrade.GENERAL
        self._classified(actor, occurred_at, problem_category, priority, complaint_grade)

    @event("Classified")
    def _classified(
        self,
        actor: Actor,
        occurred_at: datetime,
        problem_category: ProblemCategory,
        priority: Priority,
        complaint_grade: ComplaintGrade | None,
    ) -> None:
        self.problem_category = problem_category
        self.priority = priority
        self.complaint_grade = complaint_grade
        self._recompute_status()

    def assign(self, actor: Actor, occurred_at: datetime, team: Team, assignee: str) -> None:
        self.check_open("assign")
        if not assignee.strip():
            raise InvalidInputError("assignee", "must not be empty")
        self._assigned(actor, occurred_at, team, assignee)

    @event("Assigned")
    def _assigned(self, actor: Actor, occurred_at: datetime, team: Team, assignee: str) -> None:
        self.team = team
        self.assignee = assignee
        self._recompute_status()

    def acknowledge(
        self, actor: Actor, occurred_at: datetime, message: str, promised_by: date | None
    ) -> None:
        self.check_open("acknowledge")
        if promised_by is not None and promised_by < business_date(occurred_at):
            raise InvalidInputError("promised_by", "must not be before the acknowledgement")
        self._acknowledged(actor, occurred_at, message, promised_by)

    @event("Acknowledged")
    def _acknowledged(
        self, actor: Actor, occurred_at: datetime, message: str, promised_by: date | None
    ) -> None:
        if self.acknowledged_at is None:
            self.acknowledged_at = occurred_at
        self.promised_by = promised_by
        self._recompute_status()

    # -- diagnosis and quotes -------------------------------------------------

    def diagnose(
        self,
        actor: Actor,
        occurred_at: datetime,
        finding: str,
        cause: Cause,
        item_no: int | None = None,
        decision: CoverageDecision | None = None,
        remedy: Remedy | None = None,
    ) -> None:
        """Records a finding; for an item, with the 三包 decision and the chosen remedy."""
        self.check_open("diagnose")
        if not finding.strip():
            raise InvalidInputError("finding", "must not be empty")
        if item_no is None:
            if decision is not None or remedy is not None:
                raise InvalidInputError("item_no", "a coverage decision is made per item")
        else:
            state = self.item(item_no)
            state.check_can_diagnose()
            if decision is None:
                raise InvalidInputError("decision", "an item diagnosis needs a coverage decision")
            if remedy is not None:
                check_remedy(decision, remedy)
        self._diagnosed(actor, occurred_at, finding, cause, item_no, decision, remedy)

    @event("Diagnosed")
    def _diagnosed(
        self,
        actor: Actor,
        occurred_at: datetime,
        finding: str,
        cause: Cause,
        item_no: int | None,
        decision: CoverageDecision | None,
        remedy: Remedy | None,
    ) -> None:
        self.finding = finding
        if item_no is not None:
            state = self.items[item_no - 1]
            state.cause = cause
            state.decision = decision
            state.remedy = remedy
            state.stage = ItemStage.DIAGNOSED if remedy else ItemStage.NO_REMEDY
        self._recompute_status()

    def quote(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        lines: tuple[QuoteLine, ...],
    ) -> None:
        self.check_open("quote")
        self.item(item_no).check_can_quote()
        if not lines:
            raise InvalidInputError("lines", "a quote needs at least one line")
        amount = sum((line.amount for line in lines), Decimal("0"))
        self._quoted(actor, occurred_at, item_no, lines, amount)

    @event("Quoted")
    def _quoted(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        lines: tuple[QuoteLine, ...],
        amount: Decimal,
    ) -> None:
        state = self.items[item_no - 1]
        state.quoted_amount = amount
        state.stage = ItemStage.QUOTED
        self._recompute_status()

    def accept_quote(self, actor: Actor, occurred_at: datetime, item_no: int) -> None:
        self.check_open("accept a quote")
        self.item(item_no).check_stage("accept a quote", ItemStage.QUOTED)
        self._quote_accepted(actor, occurred_at, item_no)

    @event("QuoteAccepted")
    def _quote_accepted(self, actor: Actor, occurred_at: datetime, item_no: int) -> None:
        self.items[item_no - 1].stage = ItemStage.QUOTE_ACCEPTED
        self._recompute_status()

    def decline_quote(
        self, actor: Actor, occurred_at: datetime, item_no: int, reason: str = ""
    ) -> None:
        self.check_open("decline a quote")
        self.item(item_no).check_stage("decline a quote", ItemStage.QUOTED)
        self._quote_declined(actor, occurred_at, item_no, reason)

    @event("QuoteDeclined")
    def _quote_declined(
        self, actor: Actor, occurred_at: datetime, item_no: int, reason: str
    ) -> None:
        self.items[item_no - 1].stage = ItemStage.QUOTE_DECLINED
        self._recompute_status()

    # -- remedies ---------------------------------------------------------------

    def schedule_repair(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        mode: RepairMode,
        scheduled_for: datetime,
    ) -> None:
        self.check_open("schedule a repair")
        state = self.item(item_no)
        state.check_remedy("schedule a repair", Remedy.REPAIR)
        state.check_quote_accepted_if_paid("schedule a repair")
        state.check_stage(
            "schedule a repair",
            ItemStage.DIAGNOSED,
            ItemStage.QUOTE_ACCEPTED,
            ItemStage.REPAIR_FAILED,
        )
        self._repair_scheduled(actor, occurred_at, item_no, mode, scheduled_for)

    @event("RepairScheduled")
    def _repair_scheduled(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        mode: RepairMode,
        scheduled_for: datetime,
    ) -> None:
        self.items[item_no - 1].stage = ItemStage.REPAIR_SCHEDULED
        self._recompute_status()

    def start_repair(
        self, actor: Actor, occurred_at: datetime, item_no: int, mode: RepairMode
    ) -> None:
        self.check_open("start a repair")
        self.item(item_no).check_can_start_repair()
        self._repair_started(actor, occurred_at, item_no, mode)

    @event("RepairStarted")
    def _repair_started(
        self, actor: Actor, occurred_at: datetime, item_no: int, mode: RepairMode
    ) -> None:
        state = self.items[item_no - 1]
        state.stage = ItemStage.IN_REPAIR
        state.repair_started_on = business_date(occurred_at)
        self._recompute_status()

    def record_repair(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        outcome: RepairOutcome,
        work: RepairWork,
    ) -> None:
        self.check_open("record a repair")
        state = self.item(item_no)
        state.check_stage("record a repair", ItemStage.IN_REPAIR)
        assert state.repair_started_on is not None
        if business_date(occurred_at) < state.repair_started_on:
            raise InvalidInputError("occurred_at", "a repair cannot finish before it started")
        self._repaired(actor, occurred_at, item_no, outcome, work)

    @event("Repaired")
    def _repaired(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        outcome: RepairOutcome,
        work: RepairWork,
    ) -> None:
        state = self.items[item_no - 1]
        assert state.repair_started_on is not None
        state.repairs.append(
            RepairRecord(state.repair_started_on, business_date(occurred_at), outcome)
        )
        state.repair_started_on = None
        fixed = outcome is RepairOutcome.FIXED
        state.stage = ItemStage.REPAIRED if fixed else ItemStage.REPAIR_FAILED
        self._recompute_status()

    def ship_replacement(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        serial_no: str,
        batch_no: str = "",
    ) -> None:
        self.check_open("ship a replacement")
        self.item(item_no).check_can_ship_replacement()
        if not serial_no.strip():
            raise InvalidInputError("serial_no", "the replacement needs its own serial number")
        self._replacement_shipped(actor, occurred_at, item_no, serial_no, batch_no)

    @event("ReplacementShipped")
    def _replacement_shipped(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        serial_no: str,
        batch_no: str,
    ) -> None:
        state = self.items[item_no - 1]
        state.replacement_serial_no = serial_no
        state.exchanged_on = business_date(occurred_at)
        state.stage = ItemStage.REPLACED
        self._recompute_status()

    def receive_return(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        inspection: InspectionResult,
        note: str = "",
    ) -> None:
        self.check_open("receive a return")
        self.item(item_no).check_can_receive_return()
        self._return_received(actor, occurred_at, item_no, inspection, note)

    @event("ReturnReceived")
    def _return_received(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        inspection: InspectionResult,
        note: str,
    ) -> None:
        self.items[item_no - 1].stage = ItemStage.RETURN_RECEIVED
        self._recompute_status()

    def refund(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        amount: Decimal,
        deductions: tuple[Deduction, ...],
        route: str,
    ) -> None:
        self.check_open("refund")
        if amount <= 0:
            raise InvalidInputError("amount", "must be positive")
        if not route.strip():
            raise InvalidInputError("route", "name the original payment route")
        deducted = sum((d.amount for d in deductions), Decimal("0"))
        self.item(item_no).check_can_refund(amount, deducted)
        self._refunded(actor, occurred_at, item_no, amount, deductions, route)

    @event("Refunded")
    def _refunded(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        amount: Decimal,
        deductions: tuple[Deduction, ...],
        route: str,
    ) -> None:
        state = self.items[item_no - 1]
        state.refunded_amount = amount
        state.stage = ItemStage.REFUNDED
        self._recompute_status()

    # -- oversight --------------------------------------------------------------

    def escalate(
        self,
        actor: Actor,
        occurred_at: datetime,
        reason: EscalationReason,
        note: str = "",
        clock_run: str = "",
    ) -> None:
        """Raises the escalation level; ``clock_run`` (e.g. "repair#2") names a breached clock.

        A breached clock run escalates the claim once: a second escalation for the
        same run is refused, which makes the SLA sweep safe to repeat.
        """
        self.check_open("escalate")
        if clock_run and clock_run in self.escalated_clock_runs:
            raise AlreadyEscalatedError(clock_run)
        self._escalated(actor, occurred_at, self.escalation_level + 1, reason, note, clock_run)

    @event("Escalated")
    def _escalated(
        self,
        actor: Actor,
        occurred_at: datetime,
        level: int,
        reason: EscalationReason,
        note: str,
        clock_run: str = "",
    ) -> None:
        self.escalation_level = level
        if clock_run:
            self.escalated_clock_runs.append(clock_run)

    def pause_sla(self, actor: Actor, occurred_at: datetime, reason: PauseReason) -> None:
        self.check_open("pause the SLA")
        if self.sla_paused:
            raise LifecycleError("pause the SLA", self.status.value, "the SLA is already paused")
        self._sla_paused(actor, occurred_at, reason)

    @event("SlaPaused")
    def _sla_paused(self, actor: Actor, occurred_at: datetime, reason: PauseReason) -> None:
        self.sla_paused = True

    def resume_sla(self, actor: Actor, occurred_at: datetime) -> None:
        self.check_open("resume the SLA")
        if not self.sla_paused:
            raise LifecycleError("resume the SLA", self.status.value, "the SLA is not paused")
        self._sla_resumed(actor, occurred_at)

    @event("SlaResumed")
    def _sla_resumed(self, actor: Actor, occurred_at: datetime) -> None:
        self.sla_paused = False

    # -- after the resolution -------------------------------------------------

    def confirm(self, actor: Actor, occurred_at: datetime, note: str = "") -> None:
        self.check_resolved("confirm the resolution")
        if self.confirmed:
            raise LifecycleError(
                "confirm the resolution", self.status.value, "the customer already confirmed"
            )
        self._customer_confirmed(actor, occurred_at, note)

    @event("CustomerConfirmed")
    def _customer_confirmed(self, actor: Actor, occurred_at: datetime, note: str) -> None:
        self.confirmed = True

    def follow_up(self, actor: Actor, occurred_at: datetime, outcome: str) -> None:
        self.check_resolved("follow up")
        if not outcome.strip():
            raise InvalidInputError("outcome", "must not be empty")
        self._followed_up(actor, occurred_at, outcome)

    @event("FollowedUp")
    def _followed_up(self, actor: Actor, occurred_at: datetime, outcome: str) -> None:
        self.followed_up = True

    def survey(self, actor: Actor, occurred_at: datetime, score: int, comment: str = "") -> None:
        self.check_resolved("record a survey")
        if not 1 <= score <= 5:
            raise InvalidInputError("score", "must be between 1 and 5")
        if self.satisfaction is not None:
            raise LifecycleError("record a survey", self.status.value, "already surveyed")
        self._surveyed(actor, occurred_at, score, comment)

    @event("Surveyed")
    def _surveyed(self, actor: Actor, occurred_at: datetime, score: int, comment: str) -> None:
        self.satisfaction = score

    # -- endings ----------------------------------------------------------------

    def close(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self.check_resolved("close")
        self._closed(actor, occurred_at, reason)

    @event("Closed")
    def _closed(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self.status = ClaimStatus.CLOSED
        self.outcome_reason = reason

    def reject(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self._check_can_end_unresolved("reject", reason)
        self._rejected(actor, occurred_at, reason)

    @event("Rejected")
    def _rejected(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self.status = ClaimStatus.REJECTED
        self.outcome_reason = reason

    def withdraw(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self._check_can_end_unresolved("withdraw", reason)
        self._withdrawn(actor, occurred_at, reason)

    @event("Withdrawn")
    def _withdrawn(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self.status = ClaimStatus.WITHDRAWN
        self.outcome_reason = reason

    def _check_can_end_unresolved(self, action: str, reason: str) -> None:
        self.check_open(action)
        if not reason.strip():
            raise InvalidInputError("reason", "must not be empty")
        self.check_no_work_in_progress(action)
        for state in self.items:
            if state.stage in REMEDY_DONE:
                raise LifecycleError(
                    action, self.status.value, f"item {state.no} was already {state.stage.value}"
                )

    def reopen(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        if self.status not in TERMINAL:
            raise LifecycleError("reopen", self.status.value, "only an ended claim can reopen")
        if not reason.strip():
            raise InvalidInputError("reason", "must not be empty")
        self._reopened(actor, occurred_at, reason)

    @event("Reopened")
    def _reopened(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self.status = ClaimStatus.IN_PROGRESS
        self.outcome_reason = None
        self.confirmed = False
        self.followed_up = False
        self.satisfaction = None
        self._recompute_status()

    # -- records ------------------------------------------------------------------

    def add_note(self, actor: Actor, occurred_at: datetime, text: str) -> None:
        self.check_open("add a note")
        if not text.strip():
            raise InvalidInputError("text", "must not be empty")
        self._note_added(actor, occurred_at, text)

    @event("NoteAdded")
    def _note_added(self, actor: Actor, occurred_at: datetime, text: str) -> None:
        self.note_count += 1

    def attach_evidence(self, actor: Actor, occurred_at: datetime, evidence: Evidence) -> None:
        self.check_open("attach evidence")
        self._evidence_attached(actor, occurred_at, evidence)

    @event("EvidenceAttached")
    def _evidence_attached(self, actor: Actor, occurred_at: datetime, evidence: Evidence) -> None:
        self.evidence.append(evidence)

    # -- personal data --------------------------------------------------------------

    def erase_personal_data(self, actor: Actor, occurred_at: datetime) -> None:
        """Records that the customer's key was destroyed: their data reads as erased.

        Allowed in every state (a closed claim too); the stored events are not
        changed, the sealed data in them simply can no longer be opened.
        """
        if self.personal_data_erased:
            raise AlreadyErasedError()
        customer_id = getattr(self.customer, "customer_id", "")
        self._personal_data_erased(actor, occurred_at, customer_id)

    @event("PersonalDataErased")
    def _personal_data_erased(self, actor: Actor, occurred_at: datetime, customer_id: str) -> None:
        self.personal_data_erased = True
        # Forget the ciphertext too, so later snapshots do not carry it.
        self.customer = SealedCustomer(customer_id, self.customer.region, "")
