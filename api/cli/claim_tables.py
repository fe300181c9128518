"""Presents one claim as rich tables for the terminal: state, items, history."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from rich.table import Table

from api.cli.messages import label, t
from api.cli.times import local, time_label
from domain.application import HistoryEntry
from domain.claim import Claim
from domain.sla import ClockRun
from domain.values import CoverageDecision, Customer, SealedCustomer


def show(value: Any) -> str:
    """A short readable form of an event field for the history table."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return local(value)
    if isinstance(value, tuple | list):
        return "; ".join(show(v) for v in value)
    if isinstance(value, SealedCustomer | Customer):
        # Personal data is shown (and logged) in the header only.
        who = value.customer_id or t("claim_show.customer_fallback")
        return f"{who} ({value.region or t('claim_show.unknown_region')})"
    if isinstance(value, CoverageDecision):
        terms = t("common.free") if value.free else t("common.paid")
        remedies = "/".join(label("remedy", r) for r in value.remedies) or t("claim_show.no_remedy")
        return t(
            "claim_show.decision",
            rule=value.rule_id,
            version=value.policy_version,
            remedies=remedies,
            terms=terms,
        )
    if hasattr(value, "__dataclass_fields__"):
        return ", ".join(f"{k}={show(getattr(value, k))}" for k in value.__dataclass_fields__)
    return str(value)


def claim_tables(
    claim: Claim,
    history: list[HistoryEntry],
    clocks: list[ClockRun],
    customer: str | None = None,
) -> list[Table]:
    """The claim's header, its items with their decisions, its SLA clocks and history.

    ``customer`` is the customer as the caller may show them (``api.cli.customers``);
    without it only the region is shown.
    """
    title = t("claim_show.title", number=claim.claim_number, time_label=time_label())
    header = Table(title=title, show_header=False)
    region = claim.customer.region or t("claim_show.unknown_region")
    header.add_row(t("claim_show.status"), label("status", claim.status))
    header.add_row(t("claim_show.kind"), label("kind", claim.kind))
    header.add_row(t("claim_show.customer"), customer or f"({region})")
    header.add_row(t("claim_show.reported"), local(claim.reported_at))
    header.add_row(t("claim_show.version"), str(claim.version))
    if claim.assignee:
        header.add_row(t("claim_show.assigned"), f"{claim.assignee} ({label('team', claim.team)})")
    if claim.satisfaction is not None:
        header.add_row(t("claim_show.satisfaction"), f"{claim.satisfaction}/5")

    items = Table(title=t("claim_show.items"))
    for column in ("no", "model", "serial", "stage", "rule", "remedy", "free", "shipping"):
        items.add_column(t(f"claim_show.{column}"))
    for state in claim.items:
        decision = state.decision
        serial = state.item.serial_no
        if state.replacement_serial_no:
            serial = f"{serial} → {state.replacement_serial_no}"
        items.add_row(
            str(state.no),
            state.item.model,
            serial,
            label("stage", state.stage),
            f"{decision.rule_id} ({decision.policy_version})" if decision else "-",
            label("remedy", state.remedy),
            (t("common.free") if decision.free else t("common.paid")) if decision else "-",
            label("payer", decision.shipping_payer) if decision else "-",
        )

    events = Table(title=t("claim_show.history"))
    for column in ("v", "event", "actor", "occurred", "recorded", "details"):
        events.add_column(t(f"claim_show.{column}"))
    for entry in history:
        events.add_row(
            str(entry.version),
            label("event", entry.event_type),
            f"{entry.actor.user_id} ({label('role', entry.actor.role)})",
            local(entry.occurred_at),
            local(entry.recorded_at),
            "; ".join(f"{k}: {show(v)}" for k, v in entry.data.items() if v not in ("", None)),
        )
    sla = Table(title=t("claim_show.sla"))
    for column in ("clock", "run", "started", "due", "paused", "stopped", "state"):
        sla.add_column(t(f"claim_show.{column}"))
    for run in clocks:
        sla.add_row(
            label("clock", run.clock),
            str(run.run),
            local(run.started_at),
            local(run.due_at),
            str(run.paused_total),
            local(run.stopped_at) if run.stopped_at else "-",
            label("sla_state", run.state),
        )
    return [header, items, sla, events]
