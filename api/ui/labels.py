"""Readable, translated forms of domain values for the console.

Each closed vocabulary has a group in the message catalogs (``cause.misuse`` →
人为损坏 / Misuse); value objects are shown field by field. Personal fields
of a customer are never shown here: the claim page masks or reveals them itself.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from api.ui.decision_texts import quote_line_text
from api.ui.i18n import Translator
from domain.claim import ClaimStatus
from domain.item_track import ItemStage
from domain.reveal_purposes import RevealPurpose
from domain.values import CoverageDecision, Customer
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
    RefundRoute,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
    Team,
)

ENUM_GROUPS: dict[type[Enum], str] = {
    ClaimKind: "kind",
    Channel: "channel",
    Remedy: "remedy",
    ProofOfPurchase: "proof",
    ProblemCategory: "problem",
    Priority: "priority",
    ComplaintGrade: "grade",
    Team: "team",
    Cause: "cause",
    Payer: "payer",
    RepairMode: "mode",
    RepairOutcome: "outcome",
    InspectionResult: "inspection",
    EscalationReason: "escalation",
    PauseReason: "pause",
    Role: "role",
    ClaimStatus: "status",
    ItemStage: "stage",
    RevealPurpose: "purpose",
    RefundRoute: "payment",
}


def enum_group(enum: type[Enum]) -> str:
    return ENUM_GROUPS.get(enum, enum.__name__.lower())


def show(t: Translator, value: Any) -> str:
    """A value of an event's details, in the reader's language."""
    if value is None or value == "" or value == () or value == []:
        return "—"
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, Enum):
        return t.label(enum_group(type(value)), value.value)
    if isinstance(value, datetime):
        return t.datetime(value)
    if isinstance(value, date):
        return t.date(value)
    if isinstance(value, timedelta):
        return t("common.hours", hours=t.number(value.total_seconds() / 3600, 1))
    if isinstance(value, Decimal):
        return t.number(value, 2)
    if isinstance(value, Customer) or hasattr(value, "sealed"):
        # A customer (plain or sealed) shows only the region: personal data is the
        # claim page's to mask or reveal, never the timeline's.
        return t("customer.masked_summary", region=value.region or "—")
    if isinstance(value, CoverageDecision):
        return decision_text(t, value)
    if isinstance(value, tuple | list):
        return (
            "；".join(show(t, v) for v in value)
            if t.language == "zh"
            else "; ".join(show(t, v) for v in value)
        )
    if is_dataclass(value):
        parts = [
            f"{t.label('field', f.name)}: {show_field(t, f.name, getattr(value, f.name))}"
            for f in fields(value)
            if getattr(value, f.name) not in (None, "", ())
        ]
        return ", ".join(parts)
    return str(value)


# The note the SLA sweep records with its escalation (projections.sla.sla_sweep).
SWEEP_NOTE = re.compile(r"^SLA (?P<run>\S+) was due (?P<due>[\d-]+ [\d:]+)$")
# Fields of value objects holding a code of a closed list kept as text (not an enum).
CODE_FIELDS = {"payment_method": "payment", "category": "category", "route": "payment"}


def show_field(t: Translator, name: str, value: Any) -> str:
    """A value object's field: codes kept as text by their names, worded lines in the
    reader's language, anything else as ``show`` shows it."""
    if name in CODE_FIELDS and isinstance(value, str):
        return t.label(CODE_FIELDS[name], value)
    if name == "description" and isinstance(value, str):
        return quote_line_text(t, value)
    if name == "note" and isinstance(value, str) and (due := SWEEP_NOTE.match(value)):
        return t("worker.sweep_note", run=due["run"], due=due["due"])
    return show(t, value)


def decision_text(t: Translator, decision: CoverageDecision) -> str:
    """A 三包 decision in one line: remedies, free or paid, rule and policy version."""
    remedies = "/".join(t.label("remedy", r.value) for r in decision.remedies)
    terms = t("decision.free") if decision.free else t("decision.paid")
    return t(
        "decision.summary",
        remedies=remedies or t("decision.no_remedy"),
        terms=terms,
        rule=decision.rule_id,
        version=decision.policy_version,
    )
