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
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from domain.catalogue import SolutionCatalogue, default_catalogue
from domain.claim_status import TERMINAL, ClaimStatus
from domain.closing import check_closing
from domain.errors import (
    AlreadyErasedError,
    AlreadyEscalatedError,
    InvalidInputError,
    ItemNotFoundError,
)
from domain.intake import check_categories, intake_policy
from domain.item_track import SETTLED, ItemStage, ItemState
from domain.policy import PolicyDocument, check_remedy, default_policy_book
from domain.quotes import settle_quote
from domain.refunds import settle_refund
from domain.sla.running import clocks_after
from domain.state_guards import guarded
from domain.time_order import check_in_order
from domain.time_window import check_schedule, check_schedule_day
from domain.values import (
    Actor,
    Costs,
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


__all__ = ["BUSINESS_TZ", "TERMINAL", "Claim", "ClaimStatus", "business_date"]


def business_date(moment: datetime) -> date:
    """The calendar date of a moment in China, where the 三包 day counts are kept."""
    return moment.astimezone(BUSINESS_TZ).date()


class Claim(Aggregate):
    """A service claim and its whole lifecycle."""

    # A class default, for claims restored from snapshots taken before erasure existed.
    personal_data_erased = False
    # The business time of the latest fact (None in snapshots older than the attribute).
    last_occurred_at: datetime | None = None
    # The SLA clocks running now (domain.sla.running), and whether a reopened claim
    # waits for a new diagnosis; both empty in snapshots older than the attributes.
    # A list (not a tuple) because JSON snapshots restore it as one.
    sla_running: list[str] | tuple[str, ...] = ()
    awaiting_new_resolution = False
    # Why the SLA clocks are paused (None when running, or paused before it was kept).
    sla_paused_for: PauseReason | None = None

    class Event(Aggregate.Event):
        """Every claim event: applying one moves the claim's business time forward and
        keeps the running SLA clocks up to date."""

        def apply(self, aggregate: Any) -> None:
            aggregate.last_occurred_at = self.__dict__.get("occurred_at")
            super().apply(aggregate)
            aggregate.sla_running = clocks_after(
                aggregate.sla_running, type(self).__name__, aggregate.kind
            )

    @property
    def previous_fact_at(self) -> datetime:
        """The business time a new fact may not precede (``domain.time_order``)."""
        return self.last_occurred_at or self.reported_at

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        """Every new fact keeps business time in order, whatever command records it."""
        occurred_at = kwargs.get("occurred_at")
        if occurred_at is not None:
            check_in_order(occurred_at, self.previous_fact_at, self.version)
        super().trigger_event(event_class, **kwargs)

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
        self.sla_paused: bool = False
        self.confirmed: bool = False
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
            # Blamed on the purchase date: the report's time is often not sent (now).
            raise InvalidInputError(
                "purchase.purchased_on",
                f"{purchase.purchased_on.isoformat()} is after the claim's report "
                f"({business_date(occurred_at).isoformat()}): a claim cannot precede the purchase",
            )
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
        """Every item settled, or (complaints, consultations) a resolution proposed.

        A reopened claim is not resolved until a new diagnosis is recorded.
        """
        if self.awaiting_new_resolution:
            return False
        if self.kind in (ClaimKind.COMPLAINT, ClaimKind.CONSULTATION) and self.finding:
            return all(i.stage in SETTLED or i.stage is ItemStage.PENDING for i in self.items)
        return all(i.stage in SETTLED for i in self.items)

    @property
    def costs(self) -> Costs:
        """The totals of parts, labour, shipping and refunds over the claim's items."""
        return sum((state.costs for state in self.items), Costs())

    def _recompute_status(self) -> None:
        if self.status in TERMINAL:
            return
        if self.is_resolved:
            self.status = ClaimStatus.RESOLVED
        elif any(i.stage is ItemStage.QUOTED for i in self.items):
            self.status = ClaimStatus.AWAITING_CUSTOMER
        else:
            self.status = ClaimStatus.IN_PROGRESS

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

    @guarded
    def classify(
        self,
        actor: Actor,
        occurred_at: datetime,
        problem_category: ProblemCategory,
        priority: Priority,
        complaint_grade: ComplaintGrade | None = None,
    ) -> None:
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

    @guarded
    def assign(self, actor: Actor, occurred_at: datetime, team: Team, assignee: str) -> None:
        if not assignee.strip():
            raise InvalidInputError("assignee", "must not be empty")
        self._assigned(actor, occurred_at, team, assignee)

    @event("Assigned")
    def _assigned(self, actor: Actor, occurred_at: datetime, team: Team, assignee: str) -> None:
        self.team = team
        self.assignee = assignee
        self._recompute_status()

    @guarded
    def acknowledge(
        self, actor: Actor, occurred_at: datetime, message: str, promised_by: date | None
    ) -> None:
        if promised_by is not None and promised_by < business_date(occurred_at):
            raise InvalidInputError("promised_by", "must not be before the acknowledgement")
        if promised_by is not None:
            check_schedule_day("promised_by", promised_by, occurred_at)
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

    @guarded
    def diagnose(
        self,
        actor: Actor,
        occurred_at: datetime,
        finding: str,
        cause: Cause,
        item_no: int | None = None,
        decision: CoverageDecision | None = None,
        remedy: Remedy | None = None,
        quantity: int | None = None,
        fault_code: str = "",
        catalogue: SolutionCatalogue | None = None,
    ) -> None:
        """Records a finding; for an item, with the 三包 decision and the chosen remedy
        for ``quantity`` of the line's units (default: all of them), and the fault code
        of the standard solutions' catalogue (the shipped one when ``catalogue`` is not
        given) for the item's category and model; the free-text finding stays beside it."""
        if not finding.strip():
            raise InvalidInputError("finding", "must not be empty")
        if fault_code:
            if item_no is None:
                raise InvalidInputError("fault_code", "a fault code is diagnosed per item")
            item = self.item(item_no).item
            (catalogue or default_catalogue()).check_fault(fault_code, item.category, item.model)
        if item_no is None:
            if decision is not None or remedy is not None:
                raise InvalidInputError("item_no", "a coverage decision is made per item")
        else:
            if decision is None:
                raise InvalidInputError("decision", "an item diagnosis needs a coverage decision")
            if remedy is not None:
                check_remedy(decision, remedy)
            line = self.item(item_no).item.quantity
            if quantity is not None and not 1 <= quantity <= line:
                raise InvalidInputError("quantity", f"must be from 1 to the line's {line} units")
        if quantity is not None and remedy is None:
            raise InvalidInputError("quantity", "only a remedy covers a quantity of units")
        self._diagnosed(
            actor, occurred_at, finding, cause, item_no, decision, remedy, quantity, fault_code
        )

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
        quantity: int | None = None,
        fault_code: str = "",
    ) -> None:
        # Diagnosed events recorded before quantities carry none: the whole line;
        # those recorded before the catalogue carry no fault code.
        self.finding = finding
        self.awaiting_new_resolution = False
        if item_no is not None:
            state = self.items[item_no - 1]
            state.fault_code = fault_code
            state.cause = cause
            state.decision = decision
            state.remedy = remedy
            state.remedy_quantity = quantity
            state.stage = ItemStage.DIAGNOSED if remedy else ItemStage.NO_REMEDY
        self._recompute_status()

    @guarded
    def quote(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        lines: tuple[QuoteLine, ...] | None = None,
        override_reason: str = "",
    ) -> None:
        """Quotes paid work: where the decision fixes the price, at that price, which
        lines left out take; another needs a supervisor's ``override_reason``
        (``domain.quotes``)."""
        quote = settle_quote(self.item(item_no), actor, lines, override_reason)
        self._quoted(actor, occurred_at, item_no, quote.lines, quote.amount, quote.override_reason)

    @event("Quoted")
    def _quoted(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        lines: tuple[QuoteLine, ...],
        amount: Decimal,
        override_reason: str = "",
    ) -> None:
        # Quoted events recorded before the quote rule carry no override_reason.
        state = self.items[item_no - 1]
        state.quoted_amount = amount
        state.stage = ItemStage.QUOTED
        self._recompute_status()

    @guarded
    def accept_quote(self, actor: Actor, occurred_at: datetime, item_no: int) -> None:
        self._quote_accepted(actor, occurred_at, item_no)

    @event("QuoteAccepted")
    def _quote_accepted(self, actor: Actor, occurred_at: datetime, item_no: int) -> None:
        self.items[item_no - 1].stage = ItemStage.QUOTE_ACCEPTED
        self._recompute_status()

    @guarded
    def decline_quote(
        self, actor: Actor, occurred_at: datetime, item_no: int, reason: str = ""
    ) -> None:
        self._quote_declined(actor, occurred_at, item_no, reason)

    @event("QuoteDeclined")
    def _quote_declined(
        self, actor: Actor, occurred_at: datetime, item_no: int, reason: str
    ) -> None:
        self.items[item_no - 1].stage = ItemStage.QUOTE_DECLINED
        self._recompute_status()

    # -- remedies ---------------------------------------------------------------

    @guarded
    def schedule_repair(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        mode: RepairMode,
        scheduled_for: datetime,
    ) -> None:
        check_schedule("scheduled_for", scheduled_for, occurred_at)
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

    @guarded
    def start_repair(
        self, actor: Actor, occurred_at: datetime, item_no: int, mode: RepairMode
    ) -> None:
        self._repair_started(actor, occurred_at, item_no, mode)

    @event("RepairStarted")
    def _repair_started(
        self, actor: Actor, occurred_at: datetime, item_no: int, mode: RepairMode
    ) -> None:
        state = self.items[item_no - 1]
        state.stage = ItemStage.IN_REPAIR
        state.repair_started_on = business_date(occurred_at)
        self._recompute_status()

    @guarded
    def record_repair(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        outcome: RepairOutcome,
        work: RepairWork,
        solution_id: str = "",
        catalogue: SolutionCatalogue | None = None,
    ) -> None:
        """Records a repair's outcome and, where one was applied, the catalogue's standard
        solution: one of the diagnosed fault's, or of the item's category and model."""
        state = self.item(item_no)
        assert state.repair_started_on is not None
        if business_date(occurred_at) < state.repair_started_on:
            raise InvalidInputError("occurred_at", "a repair cannot finish before it started")
        if solution_id:
            (catalogue or default_catalogue()).check_solution(
                solution_id, state.fault_code, state.item.category, state.item.model
            )
        self._repaired(actor, occurred_at, item_no, outcome, work, solution_id)

    @event("Repaired")
    def _repaired(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        outcome: RepairOutcome,
        work: RepairWork,
        solution_id: str = "",
    ) -> None:
        # Repaired events recorded before the catalogue name no solution.
        state = self.items[item_no - 1]
        assert state.repair_started_on is not None
        state.repairs.append(
            RepairRecord(state.repair_started_on, business_date(occurred_at), outcome)
        )
        state.repair_started_on = None
        state.costs += Costs(parts=work.parts_cost, labour=work.labour_total)
        fixed = outcome is RepairOutcome.FIXED
        state.stage = ItemStage.REPAIRED if fixed else ItemStage.REPAIR_FAILED
        self._recompute_status()

    @guarded
    def ship_replacement(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        serial_no: str = "",
        batch_no: str = "",
        serial_nos: tuple[str, ...] = (),
        shipping_cost: Decimal = Decimal("0"),
    ) -> None:
        """Ships one replacement per unit the remedy covers, each with its own serial
        (``serial_nos``; ``serial_no`` alone for a single unit)."""
        serials = tuple(serial_nos) or (serial_no,)
        if serial_nos and serial_no:
            raise InvalidInputError("serial_no", "give serial_nos or serial_no, not both")
        if any(not s.strip() for s in serials):
            raise InvalidInputError("serial_no", "the replacement needs its own serial number")
        if len(set(serials)) != len(serials):
            raise InvalidInputError("serial_nos", "each unit needs its own serial number")
        units = self.item(item_no).units_covered
        if len(serials) != units:
            raise InvalidInputError(
                "serial_nos",
                f"one serial per unit exchanged: {units} expected, {len(serials)} given",
            )
        if shipping_cost < 0:
            raise InvalidInputError("shipping_cost", "must not be negative")
        self._replacement_shipped(
            actor, occurred_at, item_no, serials[0], batch_no, serials, shipping_cost
        )

    @event("ReplacementShipped")
    def _replacement_shipped(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        serial_no: str,
        batch_no: str,
        serial_nos: tuple[str, ...] = (),
        shipping_cost: Decimal = Decimal("0"),
    ) -> None:
        # Shipments recorded before quantities carry one serial_no for the whole line.
        state = self.items[item_no - 1]
        state.replacement_serial_no = serial_no
        state.replacement_serial_nos = list(serial_nos or (serial_no,))
        state.costs += Costs(shipping=shipping_cost)
        state.exchanged_on = business_date(occurred_at)
        state.stage = ItemStage.REPLACED
        self._recompute_status()

    @guarded
    def receive_return(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        inspection: InspectionResult,
        note: str = "",
        shipping_cost: Decimal = Decimal("0"),
    ) -> None:
        if shipping_cost < 0:
            raise InvalidInputError("shipping_cost", "must not be negative")
        self._return_received(actor, occurred_at, item_no, inspection, note, shipping_cost)

    @event("ReturnReceived")
    def _return_received(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        inspection: InspectionResult,
        note: str,
        shipping_cost: Decimal = Decimal("0"),
    ) -> None:
        state = self.items[item_no - 1]
        state.stage = ItemStage.RETURN_RECEIVED
        state.costs += Costs(shipping=shipping_cost)
        self._recompute_status()

    @guarded
    def refund(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        amount: Decimal | None = None,
        deductions: tuple[Deduction, ...] | None = None,
        route: str = "",
        override_reason: str = "",
    ) -> None:
        """Refunds an item as the decision fixes it (``domain.refunds``): what is left
        out is computed; what differs needs a supervisor's ``override_reason``."""
        refund = settle_refund(
            self.item(item_no), self.purchase, actor, amount, deductions, route, override_reason
        )
        self._refunded(
            actor,
            occurred_at,
            item_no,
            refund.amount,
            refund.deductions,
            refund.route,
            refund.override_reason,
        )

    @event("Refunded")
    def _refunded(
        self,
        actor: Actor,
        occurred_at: datetime,
        item_no: int,
        amount: Decimal,
        deductions: tuple[Deduction, ...],
        route: str,
        override_reason: str = "",
    ) -> None:
        # Refunded events recorded before the refund rule carry no override_reason.
        state = self.items[item_no - 1]
        state.refunded_amount = amount
        state.costs += Costs(refunds=amount)
        state.stage = ItemStage.REFUNDED
        self._recompute_status()

    # -- oversight --------------------------------------------------------------

    @guarded
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

    @guarded
    def pause_sla(self, actor: Actor, occurred_at: datetime, reason: PauseReason) -> None:
        self._sla_paused(actor, occurred_at, reason)

    @event("SlaPaused")
    def _sla_paused(self, actor: Actor, occurred_at: datetime, reason: PauseReason) -> None:
        self.sla_paused = True
        self.sla_paused_for = reason

    @guarded
    def resume_sla(self, actor: Actor, occurred_at: datetime) -> None:
        self._sla_resumed(actor, occurred_at)

    @event("SlaResumed")
    def _sla_resumed(self, actor: Actor, occurred_at: datetime) -> None:
        self.sla_paused = False
        self.sla_paused_for = None

    # -- after the resolution -------------------------------------------------

    @guarded
    def confirm(self, actor: Actor, occurred_at: datetime, note: str = "") -> None:
        self._customer_confirmed(actor, occurred_at, note)

    @event("CustomerConfirmed")
    def _customer_confirmed(self, actor: Actor, occurred_at: datetime, note: str) -> None:
        self.confirmed = True

    @guarded
    def follow_up(self, actor: Actor, occurred_at: datetime, outcome: str) -> None:
        if not outcome.strip():
            raise InvalidInputError("outcome", "must not be empty")
        self._followed_up(actor, occurred_at, outcome)

    @event("FollowedUp")
    def _followed_up(self, actor: Actor, occurred_at: datetime, outcome: str) -> None:
        self.followed_up = True

    @guarded
    def survey(self, actor: Actor, occurred_at: datetime, score: int, comment: str = "") -> None:
        if not 1 <= score <= 5:
            raise InvalidInputError("score", "must be between 1 and 5")
        self._surveyed(actor, occurred_at, score, comment)

    @event("Surveyed")
    def _surveyed(self, actor: Actor, occurred_at: datetime, score: int, comment: str) -> None:
        self.satisfaction = score

    # -- endings ----------------------------------------------------------------

    @guarded
    def close(
        self,
        actor: Actor,
        occurred_at: datetime,
        reason: str,
        override_reason: str = "",
        policy: PolicyDocument | None = None,
    ) -> None:
        """Closes a resolved claim; the closing rule of the policy in force (the shipped
        book's when ``policy`` is not given) may ask for the customer's confirmation,
        which only a supervisor's ``override_reason`` replaces (``domain.closing``)."""
        self._check_reason(reason)
        policy = policy or default_policy_book().in_force(business_date(occurred_at))
        check_closing(self, actor, override_reason, policy)
        self._closed(actor, occurred_at, reason, self.confirmed, override_reason)

    @event("Closed")
    def _closed(
        self,
        actor: Actor,
        occurred_at: datetime,
        reason: str,
        confirmed: bool = False,
        override_reason: str = "",
    ) -> None:
        # Closed events recorded before the closing rule carry neither of the last two.
        self.status = ClaimStatus.CLOSED
        self.outcome_reason = reason

    @guarded
    def reject(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self._check_reason(reason)
        self._rejected(actor, occurred_at, reason)

    @event("Rejected")
    def _rejected(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self.status = ClaimStatus.REJECTED
        self.outcome_reason = reason

    @guarded
    def withdraw(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self._check_reason(reason)
        self._withdrawn(actor, occurred_at, reason)

    @event("Withdrawn")
    def _withdrawn(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self.status = ClaimStatus.WITHDRAWN
        self.outcome_reason = reason

    @staticmethod
    def _check_reason(reason: str) -> None:
        if not reason.strip():
            raise InvalidInputError("reason", "must not be empty")

    @guarded
    def reopen(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        self._check_reason(reason)
        self._reopened(actor, occurred_at, reason)

    @event("Reopened")
    def _reopened(self, actor: Actor, occurred_at: datetime, reason: str) -> None:
        # Back to work: in progress until a new diagnosis resolves the claim again.
        self.status = ClaimStatus.IN_PROGRESS
        self.awaiting_new_resolution = True
        self.outcome_reason = None
        self.confirmed = False
        self.followed_up = False
        self.satisfaction = None
        self._recompute_status()

    # -- records ------------------------------------------------------------------

    @guarded
    def add_note(self, actor: Actor, occurred_at: datetime, text: str) -> None:
        if not text.strip():
            raise InvalidInputError("text", "must not be empty")
        self._note_added(actor, occurred_at, text)

    @event("NoteAdded")
    def _note_added(self, actor: Actor, occurred_at: datetime, text: str) -> None:
        self.note_count += 1

    @guarded
    def attach_evidence(self, actor: Actor, occurred_at: datetime, evidence: Evidence) -> None:
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
