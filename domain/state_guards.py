"""The state table: in which claim statuses and item stages each claim command is allowed.

One row per command of ``api/command_table.py`` (keyed by the ``Claim`` method's
name). A row names the claim statuses it is allowed in, conditions on the claim
that must hold as well, and for item commands the item stages and conditions on
the item. The aggregate checks every command through its row (``guarded``)
before anything is recorded; the console offers exactly the rows that allow the
command now (``refusal``); the README's table is rendered from here
(``python -m domain.state_guards``).

Decisions, command by command. No command clears a fact it does not own:

- classify, assign: until the claim is resolved (a resolved claim's triage is history).
- acknowledge: until resolved, and once: the first response is recorded once, so a
  later call cannot blank the promised date.
- diagnose: while the claim is open, on a resolved claim only until the customer
  confirmed (a confirmed resolution is not re-decided: close, then reopen). For an
  item, not while work on it is under way and not once it was refunded. After a
  reopen, a new diagnosis (for the claim or an item) is what resolves it again.
- quote: on a diagnosed item whose work is paid, or after a declined quote. A return
  is never quoted (its refund is the price less the decision's deductions), so a
  return of used goods goes straight to receiving the goods.
- accept-quote, decline-quote: on a quoted item (the claim awaits the customer).
- schedule-repair, start-repair, record-repair, ship-replacement, receive-return,
  refund: on the item stages of their remedy, paid work only after an accepted quote.
- escalate, notes, evidence: while the claim is open (resolved included).
- pause-sla: before the resolution, while an SLA clock runs and none is paused
  (after the resolution only the follow-up clock runs, and it is ours to keep).
- resume-sla: while open and paused (a pause survives the resolution, so it can end).
- confirm, survey: once each, on a resolved claim. follow-up: on a resolved claim.
- close: on a resolved claim; the closing rule (``domain.closing``) adds the
  customer's confirmation where the policy asks for it.
- reject, withdraw: before the resolution or on a resolved claim the customer has
  not confirmed, with no work under way and no remedy carried out.
- reopen: only on a closed, rejected or withdrawn claim.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from domain.claim_status import TERMINAL, ClaimStatus
from domain.errors import ClaimClosedError, LifecycleError, QuoteRequiredError, StateGuardError
from domain.item_track import REMEDY_DONE, WORK_IN_PROGRESS, ItemStage, ItemState
from domain.vocabulary import Remedy

if TYPE_CHECKING:
    from domain.claim import Claim

S = ClaimStatus
UNRESOLVED = frozenset({S.REPORTED, S.IN_PROGRESS, S.AWAITING_CUSTOMER})
OPEN = UNRESOLVED | {S.RESOLVED}
WORKING = frozenset({S.IN_PROGRESS, S.AWAITING_CUSTOMER})
RESOLVED = frozenset({S.RESOLVED})

STATUS_ZH = {
    S.REPORTED: "已登记",
    S.IN_PROGRESS: "处理中",
    S.AWAITING_CUSTOMER: "待客户答复",
    S.RESOLVED: "已解决",
    S.CLOSED: "已结案",
    S.REJECTED: "已驳回",
    S.WITHDRAWN: "已撤回",
}


STAGE_ZH = {
    ItemStage.PENDING: "待处理",
    ItemStage.DIAGNOSED: "已检测",
    ItemStage.QUOTED: "已报价",
    ItemStage.QUOTE_ACCEPTED: "已接受报价",
    ItemStage.QUOTE_DECLINED: "已拒绝报价",
    ItemStage.REPAIR_SCHEDULED: "已预约维修",
    ItemStage.IN_REPAIR: "维修中",
    ItemStage.REPAIRED: "已修好",
    ItemStage.REPAIR_FAILED: "维修未果",
    ItemStage.RETURN_RECEIVED: "已收到退货",
    ItemStage.REPLACED: "已换新",
    ItemStage.REFUNDED: "已退款",
    ItemStage.NO_REMEDY: "不予三包",
}


def words(value: str) -> str:
    """A stored value as words: ``quote_accepted`` → ``quote accepted``."""
    return value.replace("_", " ")


@dataclass(frozen=True)
class Condition:
    """A condition on the claim: ``refuses`` gives the reason it fails, or None."""

    text: str
    text_zh: str
    refuses: Callable[[Claim], str | None]


@dataclass(frozen=True)
class ItemCondition:
    """A condition on the item a command names, refused with ``error``."""

    text: str
    text_zh: str
    refuses: Callable[[ItemState], str | None]
    error: type[LifecycleError] = StateGuardError


@dataclass(frozen=True)
class Guard:
    """One row of the table."""

    action: str
    """What the command does, as refusals name it ("record a survey")."""
    action_zh: str
    statuses: frozenset[ClaimStatus]
    conditions: tuple[Condition, ...] = ()
    item_stages: frozenset[ItemStage] | None = None
    """None: the command names no item."""
    item_conditions: tuple[ItemCondition, ...] = ()
    note: str = ""
    """A rule of the command's own, checked with its arguments (for the README)."""


def _first_item(claim: Claim, stages: frozenset[ItemStage], reason: str) -> str | None:
    for state in claim.items:
        if state.stage in stages:
            return reason.format(no=state.no, stage=words(state.stage.value))
    return None


NOT_ACKNOWLEDGED = Condition(
    "no first response yet",
    "尚未首次响应",
    lambda c: None if c.acknowledged_at is None else "the first response was already recorded",
)
NOT_CONFIRMED = Condition(
    "the customer has not confirmed",
    "客户尚未确认",
    lambda c: "the customer already confirmed" if c.confirmed else None,
)
NOT_SURVEYED = Condition(
    "not surveyed yet",
    "尚未回访评分",
    lambda c: "already surveyed" if c.satisfaction is not None else None,
)
CLOCK_RUNNING = Condition(
    "an SLA clock runs",
    "有时限在计时",
    lambda c: None if c.sla_running else "no SLA clock is running",
)
NOT_PAUSED = Condition(
    "the SLA is not paused",
    "时限未暂停",
    lambda c: "the SLA is already paused" if c.sla_paused else None,
)
PAUSED = Condition(
    "the SLA is paused", "时限已暂停", lambda c: None if c.sla_paused else "the SLA is not paused"
)
NO_WORK_UNDER_WAY = Condition(
    "no work under way",
    "没有进行中的处理",
    lambda c: _first_item(c, WORK_IN_PROGRESS, "work on item {no} is under way"),
)
NO_REMEDY_DONE = Condition(
    "no remedy carried out",
    "尚未实施补救",
    lambda c: _first_item(c, REMEDY_DONE, "item {no} was already {stage}"),
)


def remedy_is(*remedies: Remedy) -> ItemCondition:
    names = " or ".join(r.value for r in remedies)

    def refuses(item: ItemState) -> str | None:
        if item.remedy in remedies:
            return None
        return f"the chosen remedy is {item.remedy.value if item.remedy else 'none'}"

    return ItemCondition(f"remedy {names}", f"补救方式为 {names}", refuses)


def quote_accepted_if_paid(*unless: ItemStage) -> ItemCondition:
    def refuses(item: ItemState) -> str | None:
        if item.stage in unless or not item.paid or item.stage is ItemStage.QUOTE_ACCEPTED:
            return None
        return "paid work needs a quote the customer accepted"

    return ItemCondition(
        "paid work: quote accepted", "有偿处理须客户接受报价", refuses, QuoteRequiredError
    )


def _paid(item: ItemState) -> str | None:
    if item.decision is not None and item.decision.free:
        return f"the work is free under rule {item.decision.rule_id}"
    if item.remedy is Remedy.RETURN:
        return "a return is refunded less the decision's deductions: nothing to quote"
    return None


PAID_WORK = ItemCondition("paid work, not a return", "有偿处理（退货除外）", _paid)
IS = ItemStage
REPAIR_STAGES = frozenset({IS.DIAGNOSED, IS.QUOTE_ACCEPTED, IS.REPAIR_FAILED})

G = Guard
# fmt: off
GUARDS: dict[str, Guard] = {
    "classify": G("classify", "分类", UNRESOLVED),
    "assign": G("assign", "分派", UNRESOLVED),
    "acknowledge": G("acknowledge", "首次响应", UNRESOLVED, (NOT_ACKNOWLEDGED,)),
    "diagnose": G("diagnose", "诊断", OPEN, (NOT_CONFIRMED,),
                  frozenset(IS) - WORK_IN_PROGRESS - {IS.REFUNDED}),
    "quote": G("quote", "报价", WORKING | RESOLVED, (NOT_CONFIRMED,),
               frozenset({IS.DIAGNOSED, IS.QUOTE_DECLINED}), (PAID_WORK,)),
    "accept_quote": G("accept a quote", "接受报价", frozenset({S.AWAITING_CUSTOMER}), (),
                      frozenset({IS.QUOTED})),
    "decline_quote": G("decline a quote", "拒绝报价", frozenset({S.AWAITING_CUSTOMER}), (),
                       frozenset({IS.QUOTED})),
    "schedule_repair": G("schedule a repair", "预约维修", WORKING, (), REPAIR_STAGES,
                         (remedy_is(Remedy.REPAIR), quote_accepted_if_paid())),
    "start_repair": G("start a repair", "开始维修", WORKING, (),
                      REPAIR_STAGES | {IS.REPAIR_SCHEDULED},
                      (remedy_is(Remedy.REPAIR), quote_accepted_if_paid(IS.REPAIR_SCHEDULED))),
    "record_repair": G("record a repair", "记录维修结果", WORKING, (),
                       frozenset({IS.IN_REPAIR})),
    "ship_replacement": G("ship a replacement", "寄出换货", WORKING, (),
                          frozenset({IS.DIAGNOSED, IS.QUOTE_ACCEPTED, IS.RETURN_RECEIVED}),
                          (remedy_is(Remedy.EXCHANGE),
                           quote_accepted_if_paid(IS.RETURN_RECEIVED))),
    "receive_return": G("receive a return", "收到退货", WORKING, (),
                        frozenset({IS.DIAGNOSED, IS.QUOTE_ACCEPTED}),
                        (remedy_is(Remedy.RETURN, Remedy.EXCHANGE), quote_accepted_if_paid())),
    "refund": G("refund", "退款", WORKING, (), frozenset({IS.RETURN_RECEIVED}),
                (remedy_is(Remedy.RETURN),)),
    "escalate": G("escalate", "升级", OPEN),
    "pause_sla": G("pause the SLA", "暂停时限", UNRESOLVED, (CLOCK_RUNNING, NOT_PAUSED)),
    "resume_sla": G("resume the SLA", "恢复时限", OPEN, (PAUSED,)),
    "confirm": G("confirm the resolution", "客户确认", RESOLVED, (NOT_CONFIRMED,)),
    "follow_up": G("follow up", "回访", RESOLVED),
    "survey": G("record a survey", "满意度评分", RESOLVED, (NOT_SURVEYED,)),
    "close": G("close", "结案", RESOLVED,
               note="the customer confirmed, where the policy asks it, or a supervisor's override"),
    "reopen": G("reopen", "重新打开", TERMINAL),
    "reject": G("reject", "驳回", frozenset({S.REPORTED, S.IN_PROGRESS, S.RESOLVED}),
                (NOT_CONFIRMED, NO_WORK_UNDER_WAY, NO_REMEDY_DONE)),
    "withdraw": G("withdraw", "撤回", frozenset({S.REPORTED, S.IN_PROGRESS, S.RESOLVED}),
                  (NOT_CONFIRMED, NO_WORK_UNDER_WAY, NO_REMEDY_DONE)),
    "add_note": G("add a note", "添加备注", OPEN),
    "attach_evidence": G("attach evidence", "附加证据", OPEN),
}
# fmt: on


def _status_reason(guard: Guard, status: ClaimStatus) -> tuple[str, str]:
    if status in TERMINAL:
        return "only reopen is possible", "只能重新打开"
    if guard.statuses == TERMINAL:
        return "only an ended claim can reopen", "只有已结束的案件可以重新打开"
    if guard.statuses == RESOLVED:
        return "the claim is not resolved yet", "案件尚未解决"
    allowed = ", ".join(words(s.value) for s in ClaimStatus if s in guard.statuses)
    allowed_zh = "、".join(STATUS_ZH[s] for s in ClaimStatus if s in guard.statuses)
    return f"allowed only when the claim is {allowed}", f"仅限案件{allowed_zh}时"


def claim_refusal(guard: Guard, claim: Claim) -> LifecycleError | None:
    """Why the row refuses the command on this claim as a whole, or None."""
    status = claim.status
    if status not in guard.statuses:
        if status is S.CLOSED:
            return ClaimClosedError(guard.action)
        reason, reason_zh = _status_reason(guard, status)
        return StateGuardError(
            guard.action,
            status.value,
            reason,
            f"案件{STATUS_ZH[status]}时不能{guard.action_zh}：{reason_zh}",
        )
    for condition in guard.conditions:
        failed = condition.refuses(claim)
        if failed is not None:
            return StateGuardError(
                guard.action,
                status.value,
                failed,
                f"案件{STATUS_ZH[status]}时不能{guard.action_zh}：须{condition.text_zh}",
            )
    return None


def item_refusal(guard: Guard, item: ItemState) -> LifecycleError | None:
    """Why the row refuses the command on this item, or None."""
    if guard.item_stages is None:
        return None
    state = f"item {item.no} {item.stage.value}"
    # The item's own conditions first: "the chosen remedy is repair" says more than
    # the list of stages a refund would need.
    for condition in guard.item_conditions:
        reason = condition.refuses(item)
        if reason is not None:
            message = f"cannot {guard.action} for item {item.no}: {reason}"
            if condition.error is StateGuardError:
                return StateGuardError(
                    guard.action,
                    state,
                    reason,
                    f"第 {item.no} 件商品不能{guard.action_zh}：须{condition.text_zh}",
                    message,
                )
            return condition.error(guard.action, state, reason, message)
    if item.stage not in guard.item_stages:
        stages = [s for s in ItemStage if s in guard.item_stages]
        expected = " or ".join(words(s.value) for s in stages)
        expected_zh = "或".join(STAGE_ZH[s] for s in stages)
        under_way = " (work on the item is under way)" if item.stage in WORK_IN_PROGRESS else ""
        reason = f"the item must be {expected}{under_way}"
        return StateGuardError(
            guard.action,
            state,
            reason,
            f"第 {item.no} 件商品{STAGE_ZH[item.stage]}，不能{guard.action_zh}：须为{expected_zh}",
            f"cannot {guard.action}: item {item.no} is {words(item.stage.value)}; {reason}",
        )
    return None


def refusal(claim: Claim, command: str, item_no: int | None = None) -> LifecycleError | None:
    """Why the table refuses ``command`` (a ``Claim`` method's name) now, or None.

    An item number the claim does not have raises ``ItemNotFoundError``.
    """
    guard = GUARDS[command]
    refused = claim_refusal(guard, claim)
    if refused is None and item_no is not None:
        refused = item_refusal(guard, claim.item(item_no))
    return refused


C = TypeVar("C", bound="Claim")
P = ParamSpec("P")


def guarded(method: Callable[Concatenate[C, P], None]) -> Callable[Concatenate[C, P], None]:
    """Makes a ``Claim`` command check its row before it runs (and records anything)."""
    command = method.__name__
    names_item = GUARDS[command].item_stages is not None
    signature = inspect.signature(method)

    def checked(claim: C, /, *args: P.args, **kwargs: P.kwargs) -> None:
        item_no = None
        if names_item:
            if "item_no" in kwargs:
                item_no = kwargs["item_no"]
            else:
                item_no = signature.bind(claim, *args, **kwargs).arguments.get("item_no")
        refused = refusal(claim, command, item_no if isinstance(item_no, int) else None)
        if refused is not None:
            raise refused
        method(claim, *args, **kwargs)

    functools.update_wrapper(checked, method)
    return checked


def markdown_table() -> str:
    """The table as Markdown, for the README (``python -m domain.state_guards``)."""
    statuses = list(ClaimStatus)
    head = "| command | " + " | ".join(s.value for s in statuses) + " | also requires |"
    rule = "|---|" + "---|" * len(statuses) + "---|"
    lines = [head, rule]
    for name, guard in GUARDS.items():
        marks = " | ".join("✓" if s in guard.statuses else "" for s in statuses)
        extra = [c.text for c in guard.conditions]
        if guard.item_stages is not None:
            stages = ", ".join(s.value for s in ItemStage if s in guard.item_stages)
            extra.append(f"item {stages}")
            extra.extend(c.text for c in guard.item_conditions)
        extra.extend([guard.note] if guard.note else [])
        lines.append(f"| `{name}` | {marks} | {'; '.join(extra)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
