"""The ledger application: one method per command, plus the queries on one claim.

``app.save()`` is the unit of work. Each command loads the claim, runs the
domain command (which checks before it records), and saves; if another writer
saved first, the command is re-read and retried while still valid, and refused
as a conflict when the new state makes it invalid.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    JSONTranscoder,
    Transcoder,
)

from domain.calendar import BusinessCalendar
from domain.claim import Claim, business_date
from domain.claim_numbers import (
    ClaimNumbers,
    InMemoryClaimNumbers,
    check_own_number,
    generated_number,
)
from domain.errors import (
    ClaimNotFoundError,
    ConcurrencyConflictError,
    DuplicateClaimError,
    ExclusiveParametersError,
    InvalidInputError,
    SanbaoError,
    StaleVersionError,
    VersionNotFoundError,
)
from domain.intake import check_categories, intake_policy
from domain.item_track import SETTLED
from domain.orjson_transcoder import OrjsonTranscoder
from domain.personal_data import CustomerKeys, EphemeralCustomerKeys, seal_for_claim, unseal
from domain.policy import PolicyBook, default_policy_book, evaluate
from domain.policy.document import PolicyDocument
from domain.sla import DEFAULT_CLOCKS, ClockRun, SlaEvent, SlaTargets, compute_clocks
from domain.stock import ClaimStock, StockItem, StockLedger, StockMoves
from domain.text import check_arguments
from domain.time_order import default_fact_time
from domain.time_window import (
    DEFAULT_CLOCK_SKEW,
    check_aware,
    check_purchase,
)
from domain.transcodings import register_claim_transcodings
from domain.units import (
    ClaimFinder,
    LogScan,
    Registration,
    UnitFacts,
    UnitHistory,
    UnitRegistry,
    check_registration,
    with_unit_history,
)
from domain.units.reader import read_unit_history
from domain.values import Actor, CoverageDecision, Customer, PolicyQuery
from domain.vocabulary import Cause, PauseReason, Remedy

MAX_ATTEMPTS = 30
GENERATED_NUMBER_ATTEMPTS = 5
CHECK_NUMBER = "SB-CHECK"  # stands in for a number not drawn, in check_report
# Business times may be back-dated by the caller, but not without limit.
DEFAULT_MAX_BACKDATE = timedelta(days=30)

ClaimCommand = Callable[..., None]
"""A command of the claim: a public ``Claim`` method such as ``Claim.classify``,
called as ``method(claim, actor, occurred_at, **arguments)``."""


@dataclass(frozen=True)
class CommandResult:
    """What a command returns: the claim, its new version and the ledger position."""

    claim_id: UUID
    claim_number: str
    version: int
    position: int


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a claim's history, as a supervisor reads it."""

    version: int
    event_type: str
    actor: Actor
    occurred_at: datetime
    recorded_at: datetime
    data: dict[str, Any]

    @property
    def decision(self) -> CoverageDecision | None:
        """The 三包 decision the event recorded, if it recorded one."""
        decision = self.data.get("decision")
        return decision if isinstance(decision, CoverageDecision) else None


class ClaimsLedger(Application[UUID]):
    """The event-sourced ledger of after-sales claims."""

    name = "SanbaoLedger"
    # Cached claims are not re-read before each command: a save on a stale copy
    # finds its version taken and is retried on the stored state (see execute).
    env = {"AGGREGATE_CACHE_FASTFORWARD": "n"}  # noqa: RUF012 - the library's class variable
    snapshotting_intervals = {Claim: 50}  # noqa: RUF012 - the library's class variable

    def __init__(
        self,
        env: dict[str, str] | None = None,
        policies: PolicyBook | None = None,
        clock: Callable[[], datetime] | None = None,
        max_backdate: timedelta = DEFAULT_MAX_BACKDATE,
        calendar: BusinessCalendar | None = None,
        sla_targets: SlaTargets = DEFAULT_CLOCKS,
        customer_keys: Callable[[ApplicationRecorder], CustomerKeys] | None = None,
        clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    ) -> None:
        """``customer_keys`` makes the customers' keys from the recorder the library built
        (the service keeps them in the ledger's database); without it they live in memory.
        ``clock_skew`` is how far a caller's business time may lie ahead of the ledger's clock."""
        super().__init__(env)
        self.policies = policies or default_policy_book()
        self.calendar = calendar or BusinessCalendar()
        self.sla_targets = sla_targets
        self.clock = clock or (lambda: datetime.now().astimezone())
        self.max_backdate = max_backdate
        self.clock_skew = clock_skew
        self.customer_keys: CustomerKeys = (
            customer_keys(self.recorder) if customer_keys else EphemeralCustomerKeys()
        )
        # Which claims mention a serial: the whole log here; the service sets an index.
        self.claim_finder: ClaimFinder = LogScan(self.recorder, self.mapper)
        self.units = UnitRegistry(self)
        # Replacement units and spare parts per warehouse (domain.stock), and their rules.
        self.stock = StockLedger(self)
        self.claim_stock = ClaimStock(self.stock)
        # Counters of the numbers the ledger gives: in memory here; the service sets PostgreSQL.
        self.claim_numbers: ClaimNumbers = InMemoryClaimNumbers()

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON format and transcodings, encoded and parsed by orjson."""
        transcoder = OrjsonTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_claim_transcodings(transcoder)

    # -- time -------------------------------------------------------------------

    def check_occurred_at(self, occurred_at: datetime | None) -> datetime:
        """Defaults the business time to now; refuses the future and deep back-dating."""
        now = self.clock()
        if occurred_at is None:
            return now
        check_aware("occurred_at", occurred_at)
        if occurred_at > now + self.clock_skew:
            raise InvalidInputError("occurred_at", "must not be in the future")
        if occurred_at < now - self.max_backdate:
            days = self.max_backdate.days
            raise InvalidInputError("occurred_at", f"may be back-dated by {days} days at most")
        return occurred_at

    # -- reporting ---------------------------------------------------------------

    def report(
        self,
        actor: Actor,
        claim_number: str | None = None,
        client_key: str | None = None,
        occurred_at: datetime | None = None,
        **report: Any,
    ) -> CommandResult:
        """Reports a claim; the same claim number or client key twice yields one claim.

        Without either, the claim is given the next number of its year
        (``domain.claim_numbers``); one that an imported claim already holds is skipped.
        The customer's personal data is sealed under their key before the claim
        records it (``domain.personal_data``).
        """
        # Checked before the customer's key is made: a refused report stores nothing.
        at, policy = self._checked_report(claim_number, client_key, occurred_at, report)
        customer: Customer = report.pop("customer")
        given = claim_number or (client_key and self._client_key_number(client_key, at))
        for _ in range(GENERATED_NUMBER_ATTEMPTS):
            number = given or generated_number(self.claim_numbers, business_date(at).year)
            sealed = seal_for_claim(self.customer_keys, customer, Claim.create_id(number), number)
            claim = Claim.report(
                claim_number=number,
                actor=actor,
                occurred_at=at,
                customer=sealed,
                policy=policy,
                **report,
            )
            try:
                recordings = self.save(claim)
            except IntegrityError:
                if not given:
                    continue  # a generated number an imported claim holds: draw the next
                existing = self.get_claim(claim.id)
                same_customer = self.customer_of(existing) == replace(
                    customer, customer_id=sealed.customer_id
                )
                if not (same_customer and _same_report(existing, claim)):
                    raise DuplicateClaimError(number) from None
                head = self.recorder.max_notification_id() or 0
                return CommandResult(existing.id, number, existing.version, head)
            return CommandResult(claim.id, number, claim.version, recordings[-1].notification.id)
        raise DuplicateClaimError(number)

    def check_report(
        self,
        actor: Actor,
        claim_number: str | None = None,
        client_key: str | None = None,
        occurred_at: datetime | None = None,
        **report: Any,
    ) -> None:
        """Makes the checks ``report`` makes and records nothing: raises the error ``report``
        would raise for these arguments, except for what only the stored records know (a
        claim number taken, a customer erased). The customer is sealed under a throwaway
        key and no number is drawn."""
        at, policy = self._checked_report(claim_number, client_key, occurred_at, report)
        customer: Customer = report.pop("customer")
        number = claim_number or CHECK_NUMBER
        sealed = seal_for_claim(EphemeralCustomerKeys(), customer, Claim.create_id(number), number)
        Claim.report(
            claim_number=number,
            actor=actor,
            occurred_at=at,
            customer=sealed,
            policy=policy,
            **report,
        )

    def _checked_report(
        self,
        claim_number: str | None,
        client_key: str | None,
        occurred_at: datetime | None,
        report: dict[str, Any],
    ) -> tuple[datetime, PolicyDocument]:
        """The report's checks before a claim is made: its time and its intake policy."""
        at = self.check_occurred_at(occurred_at)
        check_purchase(report["purchase"], self.clock() + self.clock_skew)
        check_arguments({"claim_number": claim_number, "client_key": client_key, **report})
        check_own_number(claim_number)
        policy = intake_policy(self.policies, business_date(at))
        check_categories(report.get("items", ()), policy)
        return at, policy

    @staticmethod
    def _client_key_number(client_key: str, at: datetime) -> str:
        """The number a client key names: the same key, the same claim."""
        day = business_date(at).strftime("%Y%m%d")
        digest = hashlib.sha256(client_key.encode()).hexdigest()[:10].upper()
        return f"SB-{day}-{digest}"

    # -- commands ----------------------------------------------------------------

    def execute(
        self,
        claim_id: UUID,
        command: Callable[[Claim], None],
        expected_version: int | None = None,
    ) -> CommandResult:
        """Runs one domain command on the latest claim and saves its events.

        A write lost to a concurrent writer is retried on the new state; if the
        command is no longer valid there, it is refused as a conflict.
        """
        for attempt in range(MAX_ATTEMPTS):
            # This process's latest copy: if another process wrote since, the save
            # below finds the version taken and the retry reads the stored state.
            claim = self._load(claim_id)
            if expected_version is not None and claim.version != expected_version:
                claim = self.get_claim(claim_id)
                if claim.version != expected_version:
                    raise StaleVersionError(claim.version, expected_version)
            try:
                command(claim)
            except SanbaoError as refusal:
                if attempt == 0:
                    raise
                raise ConcurrencyConflictError(
                    f"a concurrent change made the command invalid: {refusal}"
                ) from refusal
            try:
                recordings = self.save(claim)
            except IntegrityError:
                self._forget(claim_id)
                if expected_version is not None:
                    current = self.get_claim(claim_id).version
                    raise StaleVersionError(current, expected_version) from None
                # Back off a little, randomly, so colliding writers stop colliding.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            return CommandResult(
                claim.id, claim.claim_number, claim.version, recordings[-1].notification.id
            )
        raise ConcurrencyConflictError(f"gave up after {MAX_ATTEMPTS} concurrent writes")

    def command(
        self,
        method: ClaimCommand,
        claim_id: UUID,
        actor: Actor,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
        **kwargs: Any,
    ) -> CommandResult:
        """Runs a claim command, a ``Claim`` method such as ``Claim.classify``, and saves it.

        ``kwargs`` are the command's own arguments. A diagnosis takes the arguments
        a person gives (finding, cause, item, remedy, goods used); the ledger adds
        the 三包 decision for the item from its policy book (``with_coverage``).
        """
        at = self.check_occurred_at(occurred_at)
        check_arguments(kwargs)
        moves = StockMoves()
        saved: list[Claim] = []

        def run(claim: Claim) -> None:
            # An undated fact happens now, but never before the claim's previous fact.
            when = at if occurred_at is not None else default_fact_time(at, claim.previous_fact_at)
            moves.issues.clear()
            self.claim_stock.check(method, claim, kwargs, moves)
            self.apply(method, claim, actor, when, kwargs)
            self.claim_stock.after_command(method, claim, actor, when, kwargs, moves)
            saved[:] = [claim]

        try:
            result = self.execute(claim_id, run, expected_version)
        except BaseException:
            self._forget(claim_id)  # the copy may hold what the failed command did
            if moves.reserved:
                self.claim_stock.undo(claim_id, actor, at, moves)
            raise
        self.claim_stock.after_save(saved[0], actor, at, moves)
        return result

    def apply(
        self,
        method: ClaimCommand,
        claim: Claim,
        actor: Actor,
        at: datetime,
        kwargs: dict[str, Any],
    ) -> None:
        """Runs the command on this copy of the claim (nothing is saved)."""
        if method is Claim.diagnose:
            kwargs = self.with_coverage(claim, **kwargs)
        elif method is Claim.close:
            # The closing rule is the policy's: the one in force on the closing day.
            kwargs = {**kwargs, "policy": self.policies.in_force(business_date(at))}
        method(claim, actor, at, **kwargs)

    def with_coverage(
        self,
        claim: Claim,
        finding: str,
        cause: Cause,
        item_no: int | None = None,
        remedy: Remedy | None = None,
        goods_used: bool = False,
        quantity: int | None = None,
        fault_code: str = "",
    ) -> dict[str, Any]:
        """A diagnosis's arguments with the item's 三包 decision and the remedy chosen.

        Without an explicit remedy the customer's requested remedy is chosen when the
        decision allows it, else the first remedy the decision grants.
        """
        decision = None
        if item_no is not None:
            query = claim.policy_query(item_no, cause, goods_used)
            unit = self.unit_facts(claim, item_no, query)
            decision = unit.explain(evaluate(self.policies.in_force(query.reported_on), unit.query))
            if remedy is None and decision.remedies:
                requested = claim.requested_remedy
                remedy = requested if requested in decision.remedies else decision.remedies[0]
        return {
            "finding": finding,
            "cause": cause,
            "item_no": item_no,
            "decision": decision,
            "remedy": remedy,
            "quantity": quantity,
            "fault_code": fault_code,
        }

    # -- stock -------------------------------------------------------------------

    def reserve_stock(
        self, actor: Actor, claim_id: UUID, item_no: int, occurred_at: datetime | None = None
    ) -> StockItem:
        """Reserves the replacement units of an exchange that waits for stock; a claim
        waiting with its SLA paused for parts has its SLA resumed (``domain.stock``)."""
        at = self.check_occurred_at(occurred_at)
        claim = self.get_claim(claim_id)
        state = claim.item(item_no)
        if state.remedy is not Remedy.EXCHANGE or state.stage in SETTLED:
            raise InvalidInputError(
                "item_no",
                f"item {item_no} is not an exchange waiting for its replacement",
                f"第 {item_no} 项不是等待换货的项目",
            )
        item = self.stock.reserve(
            actor, at, state.item.model, claim.id, claim.claim_number, item_no, state.units_covered
        )
        if claim.sla_paused and claim.sla_paused_for is PauseReason.WAITING_ON_PARTS:
            self.command(Claim.resume_sla, claim_id, actor, occurred_at=occurred_at)
        return item

    # -- units -------------------------------------------------------------------

    def unit_facts(self, claim: Claim, item_no: int, query: PolicyQuery) -> UnitFacts:
        """The item's query with its unit's recorded history across claims (``domain.units``)."""
        item = claim.item(item_no).item
        if not item.serial_no.strip():
            return UnitFacts(query, ())  # a unit without a serial cannot be told apart
        history = self.unit_history(item.serial_no, known=(claim,))
        return with_unit_history(query, claim.id, item.model, history)

    def unit_history(self, serial_no: str, known: tuple[Claim, ...] = ()) -> UnitHistory:
        """A serial's history as recorded: its claims, repairs, exchanges and registration."""
        return read_unit_history(
            serial_no,
            self.claim_finder,
            self.get_claim,
            self.events.get,
            self.units.registration,
            known,
        )

    def register_unit(
        self, actor: Actor, occurred_at: datetime | None = None, **registration: Any
    ) -> tuple[Registration, bool]:
        """Records a unit's warranty registration at sale time; True when it is new."""
        at = self.check_occurred_at(occurred_at)
        check_arguments(registration)
        check_registration(
            latest=self.clock() + self.clock_skew, policies=self.policies, **registration
        )
        return self.units.register(actor, at, **registration)

    # -- queries -----------------------------------------------------------------

    def get_claim(self, claim_id: UUID, version: int | None = None) -> Claim:
        """The claim's current state as stored, or its state at a version it has."""
        claim = self._load(claim_id, version)
        if version is not None and claim.version < version:
            # Read from the store up to the version: it has no more events than these.
            raise VersionNotFoundError(claim_id, version, claim.version)
        if version is None and self.repository.cache is not None:
            # The cached copy knows this process's writes; catch up with the others'.
            newer = self.events.get(claim_id, gt=claim.version)
            claim = cast(Claim, project_aggregate(claim, newer))
        return claim

    def _load(self, claim_id: UUID, version: int | None = None) -> Claim:
        """The claim from this process's cache when it holds it, else from the store."""
        try:
            claim: Claim = self.repository.get(claim_id, version=version)
        except AggregateNotFoundError:
            raise ClaimNotFoundError(claim_id) from None
        return claim

    def _forget(self, claim_id: UUID) -> None:
        """Drops the cached copy (it was behind the store)."""
        if self.repository.cache is not None:
            with contextlib.suppress(KeyError):
                self.repository.cache.get(claim_id, evict=True)

    def customer_of(self, claim: Claim) -> Customer | None:
        """The claim's customer in plaintext, or None once their data was erased.

        Only for presenting: callers that show the result must log the access.
        """
        return unseal(self.customer_keys, claim.customer)

    def get_claim_by_number(self, claim_number: str) -> Claim:
        return self.get_claim(Claim.create_id(claim_number))

    def get_claim_at(
        self,
        claim_id: UUID,
        version: int | None = None,
        as_of: datetime | None = None,
        as_of_business: datetime | None = None,
    ) -> Claim:
        """The claim now, or at one of: a version, a recorded time, a business time."""
        given = {"version": version, "as_of": as_of, "as_of_business": as_of_business}
        named = tuple(name for name, value in given.items() if value is not None)
        if len(named) > 1:
            raise ExclusiveParametersError(named)
        if as_of is not None:
            return self.get_claim_as_of(claim_id, as_of)
        if as_of_business is not None:
            return self.get_claim_as_of_business(claim_id, as_of_business)
        return self.get_claim(claim_id, version=version)

    def get_claim_as_of(self, claim_id: UUID, as_of: datetime) -> Claim:
        """The claim as the ledger knew it at a recorded time (when events were stored)."""
        check_aware("as_of", as_of)
        return self._claim_until(claim_id, as_of, lambda stored: stored.timestamp)

    def get_claim_as_of_business(self, claim_id: UUID, at: datetime) -> Claim:
        """The claim as of a business time: its last version whose fact occurred by then."""
        check_aware("as_of_business", at)
        return self._claim_until(claim_id, at, lambda stored: stored.occurred_at)

    def _claim_until(
        self, claim_id: UUID, moment: datetime, time_of: Callable[[Any], datetime]
    ) -> Claim:
        # The facts up to the first one after the moment (business times run forward,
        # domain.time_order; recorded times too).
        version = None
        for stored in self._events_of(claim_id):
            if time_of(stored) > moment:
                break
            version = stored.originator_version
        if version is None:
            raise ClaimNotFoundError(f"{claim_id} as of {moment.isoformat()}")
        return self.get_claim(claim_id, version=version)

    def history(self, claim_id: UUID) -> list[HistoryEntry]:
        """The claim's events in order, each with its actor and both times."""
        entries = [history_entry(e) for e in self._events_of(claim_id)]
        if not entries:
            raise ClaimNotFoundError(claim_id)
        return entries

    def sla_clocks(self, claim_id: UUID) -> list[ClockRun]:
        """The claim's SLA clock runs (due times, pauses, breaches) as of now."""
        history = self.history(claim_id)
        kind = history[0].data["kind"]
        events = [SlaEvent(h.event_type, h.occurred_at) for h in history]
        return compute_clocks(events, kind, self.calendar, self.clock(), self.sla_targets)

    def _events_of(self, claim_id: UUID) -> Iterator[Any]:
        """The claim's stored events, oldest first (every one a Claim event)."""
        return iter(self.events.get(claim_id))


EVENT_ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "actor", "occurred_at", "originator_topic"}
)
"""The attributes every claim event has; the rest are the event's own data."""


def history_entry(event: Any) -> HistoryEntry:
    """A stored claim event as a history entry (its own data apart from the envelope)."""
    data = {k: v for k, v in event.__dict__.items() if k not in EVENT_ENVELOPE}
    return HistoryEntry(
        version=event.originator_version,
        event_type=type(event).__name__,
        actor=event.actor,
        occurred_at=event.occurred_at,
        recorded_at=event.timestamp,
        data=data,
    )


def _same_report(existing: Claim, new: Claim) -> bool:
    """A retried report carries the same facts; actor and times may differ.

    The customers are compared by the caller: sealing the same one twice differs.
    """
    return (
        existing.kind == new.kind
        and [s.item for s in existing.items] == [s.item for s in new.items]
        and existing.purchase == new.purchase
        and existing.description == new.description
    )
