"""Errors raised by the Sanbao Ledger domain.

Every error the domain raises derives from ``SanbaoError``; callers catch the
class that matches what they can handle::

    SanbaoError
     ├── InvalidInputError          a value breaks a domain rule (score 0, quantity -1)
     │    ├── TimeOrderError        a fact dated before the claim's previous fact
     │    ├── OutOfWindowError      a date or time outside its sane window
     │    ├── PositionBeyondHeadError  a read would wait for a ledger position not yet written
     │    ├── ExclusiveParametersError  two parameters that exclude each other
     │    ├── PurposeRequiredError  a reveal of personal data names no (known) purpose
     │    └── RefundOffDecisionError  a refund's amount or route differs from the decision's
     │         └── QuoteOffDecisionError  a quote differs from the price the decision fixes
     ├── ClaimNotFoundError         no claim with that id or number
     │    └── VersionNotFoundError  the claim has no such version (yet)
     ├── ItemNotFoundError          the claim has no item with that number
     ├── LifecycleError             the action makes no sense in the claim's state
     │    ├── ClaimClosedError      the claim is closed; only reopen is possible
     │    ├── StateGuardError       the state table does not allow the command now
     │    ├── ConfirmationRequiredError  closing needs the customer's confirmation
     │    ├── QuoteRequiredError    paid work before the customer accepted a quote
     │    ├── AlreadyEscalatedError a breached SLA clock run escalates only once
     │    └── AlreadyErasedError    the claim's personal data was already erased
     ├── PolicyError                the 三包 policy cannot answer
     │    ├── UnknownPolicyVersionError
     │    ├── UnknownCategoryError
     │    └── RemedyNotAllowedError the chosen remedy is not open under the decision
     ├── OverrideNotPermittedError  a closing or refund override by someone not a supervisor
     ├── ConcurrencyConflictError   another writer changed the claim first and the
     │                              command is no longer valid after re-reading
     ├── StaleVersionError          the caller expected an older version (If-Match)
     ├── DuplicateClaimError        the claim number is taken by a different report
     ├── CalendarDataError          the business calendar has no data for a date
     ├── RequestTooLargeError       a request body over the service's size limit
     └── PersonalDataError          a customer's personal data cannot be sealed or opened
          ├── CustomerNotFoundError no key was ever made for that customer id
          ├── CustomerErasedError   the customer was erased: nothing new is sealed for them
          ├── SealedDataError       sealed data does not open with its customer's key
          └── RevealLimitError      a user revealed as many customers as the hourly limit allows
"""

from __future__ import annotations

from datetime import date, datetime


class SanbaoError(Exception):
    """Base class of every error the domain raises on purpose."""


class InvalidInputError(SanbaoError, ValueError):
    """Raised when a command argument breaks a domain rule; names the field.

    ``detail_zh``, when given, says the same in Chinese (problem answers carry it)."""

    def __init__(self, field: str, reason: str, detail_zh: str = "") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.detail_zh = detail_zh


class ClaimNotFoundError(SanbaoError, LookupError):
    """Raised when no claim exists with the given id or claim number."""

    def __init__(self, reference: object) -> None:
        super().__init__(f"claim {reference} not found")
        self.reference = reference


class TimeOrderError(InvalidInputError):
    """Raised when a fact's ``occurred_at`` precedes the claim's previous fact's."""

    def __init__(self, occurred_at: datetime, previous: datetime, version: int) -> None:
        super().__init__(
            "occurred_at",
            f"{occurred_at.isoformat()} precedes the claim's previous fact "
            f"({previous.isoformat()}, version {version})",
        )
        self.occurred_at = occurred_at
        self.previous = previous
        self.version = version


class OutOfWindowError(InvalidInputError):
    """Raised when a date or time lies outside its sane window (``domain.time_window``)."""

    def __init__(self, field: str, value: date, earliest: date, latest: date) -> None:
        super().__init__(field, f"must lie between {earliest.isoformat()} and {latest.isoformat()}")
        self.value = value
        self.earliest = earliest
        self.latest = latest


class ExclusiveParametersError(InvalidInputError):
    """Raised when a request gives parameters that exclude each other (version, as_of)."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(" and ".join(fields), "give at most one of these")
        self.fields = fields


class RefundOffDecisionError(InvalidInputError):
    """Raised when a refund's amount, deductions or route differ from what the 三包
    decision and the purchase fix (price × quantity − the decision's deductions, back
    the way it was paid) and no supervisor's override names a reason."""

    def __init__(self, field: str, given: str, expected: str, rule: str, rule_zh: str) -> None:
        super().__init__(
            field,
            f"{given} differs from the expected {expected} ({rule}); "
            "a different value needs a supervisor's override with a reason",
        )
        self.given = given
        self.expected = expected
        self.rule = rule
        self.detail_zh = (
            f"{field} 应为 {expected}（{rule_zh}），实为 {given}；如需不同，须主管填写理由强制执行"
        )


class QuoteOffDecisionError(RefundOffDecisionError):
    """Raised when a quote differs from the price the 三包 decision fixes (a paid
    exchange at the policy's discount) and no supervisor's override names a reason;
    answered like a refund off its decision, under its own problem type."""


class VersionNotFoundError(ClaimNotFoundError):
    """Raised when a claim is asked for at a version beyond its current one."""

    def __init__(self, claim_id: object, version: int, current: int) -> None:
        super().__init__(f"{claim_id} at version {version} (the current version is {current})")
        self.version = version
        self.current = current


class ItemNotFoundError(SanbaoError, LookupError):
    """Raised when a command names an item number the claim does not have."""

    def __init__(self, item_no: int, item_count: int) -> None:
        super().__init__(f"item {item_no} not found: the claim has items 1..{item_count}")
        self.item_no = item_no


class LifecycleError(SanbaoError):
    """Raised when an action is refused in the claim's (or item's) current state.

    ``state`` is the stored value (``in_progress``, ``item 1 pending``); the message
    says it in words, or is ``message`` where the refuser words it itself."""

    def __init__(self, action: str, state: str, reason: str, message: str = "") -> None:
        words = state.replace("_", " ")
        super().__init__(message or f"cannot {action} when the claim is {words}: {reason}")
        self.action = action
        self.state = state
        self.reason = reason


class ClaimClosedError(LifecycleError):
    """Raised for any action but reopen on a closed claim."""

    def __init__(self, action: str) -> None:
        super().__init__(action, "closed", "a closed claim accepts only reopen")


class StateGuardError(LifecycleError):
    """Raised when the state table (``domain.state_guards``) does not allow a command
    in the claim's status or the item's stage, or a condition of the table fails;
    ``detail_zh`` says the same in Chinese."""

    def __init__(
        self, action: str, state: str, reason: str, detail_zh: str = "", message: str = ""
    ) -> None:
        super().__init__(action, state, reason, message)
        self.detail_zh = detail_zh


class ConfirmationRequiredError(LifecycleError):
    """Raised when a claim of a kind the policy's closing rule names (complaints) would
    close before the customer confirmed, without a supervisor's override."""

    def __init__(self, kind: str, policy_version: str) -> None:
        super().__init__(
            "close",
            "resolved",
            f"a {kind} closes only after the customer's confirmation (policy "
            f"{policy_version}), or by a supervisor's override with a reason",
        )
        self.kind = kind
        self.detail_zh = (
            f"按三包政策 {policy_version}，该类案件须在客户确认满意后结案，或由主管填写理由强制结案"
        )


class OverrideNotPermittedError(SanbaoError):
    """Raised when someone other than a supervisor asks to override a closing rule or
    a refund's decision (``domain.refunds``)."""

    def __init__(
        self, role: str, rule: str = "the closing rule", rule_zh: str = "强制结案"
    ) -> None:
        super().__init__(f"only a supervisor may override {rule}, not a {role}")
        self.role = role
        self.detail_zh = f"只有主管可以{rule_zh}，当前角色为 {role}"


class QuoteRequiredError(LifecycleError):
    """Raised when paid work would start before the customer accepted a quote."""


class AlreadyEscalatedError(LifecycleError):
    """Raised when a breached SLA clock run would escalate the claim a second time."""

    def __init__(self, clock_run: str) -> None:
        super().__init__("escalate", "escalated", f"clock run {clock_run} was already escalated")
        self.clock_run = clock_run


class AlreadyErasedError(LifecycleError):
    """Raised when a claim's personal data would be erased a second time."""

    def __init__(self) -> None:
        super().__init__("erase personal data", "erased", "the personal data was already erased")


class PolicyError(SanbaoError):
    """Base class for errors of the 三包 policy."""


class UnknownPolicyVersionError(PolicyError, LookupError):
    """Raised when no policy document has the requested version."""

    def __init__(self, version: str, known: list[str]) -> None:
        super().__init__(f"policy version {version!r} unknown; known: {', '.join(known)}")
        self.version = version


class UnknownCategoryError(PolicyError, LookupError):
    """Raised when the policy has no rules for a product category: when an item is
    reported (``field`` names the item, e.g. ``items[0].category``) or a decision is
    asked for it. ``valid`` lists the categories the policy knows."""

    def __init__(
        self, category: str, version: str, valid: tuple[str, ...] = (), field: str = "category"
    ) -> None:
        known = f"; valid categories: {', '.join(valid)}" if valid else ""
        super().__init__(f"policy {version} has no rules for category {category!r}{known}")
        self.category = category
        self.version = version
        self.valid = valid
        self.field = field


class RemedyNotAllowedError(PolicyError):
    """Raised when a chosen remedy is not among those the decision allows."""

    def __init__(self, remedy: str, allowed: list[str], rule_id: str) -> None:
        super().__init__(
            f"remedy {remedy!r} is not allowed under rule {rule_id}; allowed: {', '.join(allowed)}"
        )
        self.remedy = remedy
        self.allowed = allowed
        self.rule_id = rule_id


class ConcurrencyConflictError(SanbaoError):
    """Raised when a concurrent write made the command invalid after a re-read."""


class StaleVersionError(SanbaoError):
    """Raised when the caller's expected version is not the claim's current version."""

    def __init__(self, current: int, expected: int) -> None:
        super().__init__(f"the claim is at version {current}, not the expected {expected}")
        self.current = current
        self.expected = expected


class DuplicateClaimError(SanbaoError):
    """Raised when a claim number is reported again with different content."""

    def __init__(self, claim_number: str) -> None:
        super().__init__(f"claim number {claim_number} already reported with different content")
        self.claim_number = claim_number


class CalendarDataError(SanbaoError):
    """Raised when the business calendar cannot classify a date."""


class PersonalDataError(SanbaoError):
    """Base class for errors about customers' sealed personal data."""


class CustomerNotFoundError(PersonalDataError, LookupError):
    """Raised when no key was ever made for the customer id (so no claim names them)."""

    def __init__(self, customer_id: str) -> None:
        super().__init__(f"customer {customer_id} not found")
        self.customer_id = customer_id


class CustomerErasedError(PersonalDataError):
    """Raised when a claim would seal data for a customer whose key was destroyed."""

    def __init__(self, customer_id: str) -> None:
        super().__init__(
            f"customer {customer_id} was erased; report the claim under a new customer id"
        )
        self.customer_id = customer_id


class SealedDataError(PersonalDataError):
    """Raised when sealed data does not open with its customer's key (altered, or wrong key)."""


class PositionBeyondHeadError(InvalidInputError):
    """Raised when a read asks to wait for a ledger position (``min_position``) beyond
    the ledger's head: no command has returned it, so the views would never reach it."""

    def __init__(self, position: int, head: int) -> None:
        super().__init__(
            "min_position",
            f"position {position} is beyond the ledger's head {head}; "
            "pass a position a command returned",
        )
        self.position = position
        self.head = head
        self.detail_zh = f"账本位置 {position} 超出账本当前末端 {head}；请传入命令返回的位置"


class RequestTooLargeError(SanbaoError):
    """Raised when a request body exceeds the service's limit (``SANBAO_MAX_BODY_BYTES``),
    by its ``Content-Length`` or by the bytes a chunked body streamed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body exceeds the limit of {limit} bytes")
        self.limit = limit
        self.detail_zh = f"请求体超过 {limit} 字节的上限"


class PurposeRequiredError(InvalidInputError):
    """Raised when a reveal of personal data names no purpose, or one not in the list
    (``domain.reveal_purposes``)."""

    def __init__(self, codes: tuple[str, ...], named_zh: str, unknown: bool = False) -> None:
        # The value given is not echoed: it may be anything a caller typed.
        what = "not a known purpose" if unknown else "a reveal must name its purpose"
        super().__init__("purpose", f"{what}; one of {', '.join(codes)}")
        self.detail_zh = ("不是可选的用途" if unknown else "查看个人信息须说明用途") + (
            f"；可选：{named_zh}"
        )


class RevealLimitError(PersonalDataError):
    """Raised when a user has revealed as many customers' personal data in the past hour
    as the limit allows (``SANBAO_REVEAL_LIMIT_PER_HOUR``); ``retry_after`` in seconds."""

    def __init__(self, actor: str, limit: int, retry_after: int) -> None:
        super().__init__(
            f"{actor} revealed personal data {limit} times in the past hour, the limit; "
            f"retry in {retry_after} s"
        )
        self.actor = actor
        self.limit = limit
        self.retry_after = retry_after
        self.detail_zh = (
            f"{actor} 在过去一小时内已查看个人信息 {limit} 次，达到上限；请 {retry_after} 秒后再试"
        )
