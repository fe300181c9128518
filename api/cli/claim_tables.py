"""Presents one claim as rich tables for the terminal: state, items, history."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from rich.table import Table

from api.cli.times import TIME_LABEL, local
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
        return f"{value.customer_id or 'customer'} ({value.region or 'unknown region'})"
    if isinstance(value, CoverageDecision):
        terms = "free" if value.free else "paid"
        remedies = "/".join(r.value for r in value.remedies) or "no remedy"
        return f"rule {value.rule_id} (policy {value.policy_version}): {remedies}, {terms}"
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
    header = Table(title=f"Claim {claim.claim_number} (times in {TIME_LABEL})", show_header=False)
    header.add_row("status", claim.status.value)
    header.add_row("kind", claim.kind.value)
    header.add_row("customer", customer or f"({claim.customer.region or 'unknown region'})")
    header.add_row("reported", local(claim.reported_at))
    header.add_row("version", str(claim.version))
    if claim.assignee:
        team = claim.team.value if claim.team else "-"
        header.add_row("assigned", f"{claim.assignee} ({team})")
    if claim.satisfaction is not None:
        header.add_row("satisfaction", f"{claim.satisfaction}/5")

    items = Table(title="Items")
    for column in ("#", "model", "serial", "stage", "rule", "remedy", "free", "shipping"):
        items.add_column(column)
    for state in claim.items:
        decision = state.decision
        serial = state.item.serial_no
        if state.replacement_serial_no:
            serial = f"{serial} → {state.replacement_serial_no}"
        items.add_row(
            str(state.no),
            state.item.model,
            serial,
            state.stage.value,
            f"{decision.rule_id} ({decision.policy_version})" if decision else "-",
            state.remedy.value if state.remedy else "-",
            ("free" if decision.free else "paid") if decision else "-",
            decision.shipping_payer.value if decision else "-",
        )

    events = Table(title="History")
    for column in ("v", "event", "actor", "occurred", "recorded", "details"):
        events.add_column(column)
    for entry in history:
        events.add_row(
            str(entry.version),
            entry.event_type,
            f"{entry.actor.user_id} ({entry.actor.role.value})",
            local(entry.occurred_at),
            local(entry.recorded_at),
            "; ".join(f"{k}: {show(v)}" for k, v in entry.data.items() if v not in ("", None)),
        )
    sla = Table(title="SLA clocks")
    for column in ("clock", "run", "started", "due", "paused", "stopped", "state"):
        sla.add_column(column)
    for run in clocks:
        sla.add_row(
            run.clock,
            str(run.run),
            local(run.started_at),
            local(run.due_at),
            str(run.paused_total),
            local(run.stopped_at) if run.stopped_at else "-",
            run.state,
        )
    return [header, items, sla, events]
