"""One line per key event of an item's story (the trace page), in the reader's language.

The audit trail keeps an English summary of each event and the event's data
(``payload``, personal data reduced to the region); the console words the
summary again from that data with the catalog's ``summary.*`` messages and the
domain values' names. An event without a wording here shows its type's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.ui.i18n import Translator

Summarise = Callable[[Translator, dict[str, Any]], str]


def _reason(key: str) -> Summarise:
    def summarise(t: Translator, d: dict[str, Any]) -> str:
        reason = " ".join(str(d.get("reason") or "").split())
        return t(key + "_reason", reason=reason) if reason else t(key)

    return summarise


def _reported(t: Translator, d: dict[str, Any]) -> str:
    items = ", ".join(
        f"{i.get('model', '')} {i.get('serial_no', '')}".strip() for i in d.get("items", [])
    )
    customer = d.get("customer") or {}
    text = t(
        "summary.reported",
        kind=t.label("kind", d.get("kind")),
        number=d.get("claim_number", ""),
        channel=t.label("channel", d.get("channel")),
        region=customer.get("region") or "—",
        count=len(d.get("items", [])),
        items=items,
    )
    if d.get("requested_remedy"):
        text += t("summary.requests", remedy=t.label("remedy", d["requested_remedy"]))
    return text


def _diagnosed(t: Translator, d: dict[str, Any]) -> str:
    if d.get("item_no") is None:
        return t("summary.diagnosed_claim", cause=t.label("cause", d.get("cause")))
    decision = d.get("decision") or {}
    remedy = t.label("remedy", d["remedy"]) if d.get("remedy") else t("decision.no_remedy")
    terms = t("decision.free") if decision.get("free") else t("decision.paid")
    return t(
        "summary.diagnosed",
        no=d["item_no"],
        cause=t.label("cause", d.get("cause")),
        remedy=remedy,
        terms=terms,
        version=decision.get("policy_version", "—"),
    )


def _repaired(t: Translator, d: dict[str, Any]) -> str:
    work = d.get("work") or {}
    return t(
        "summary.repaired",
        no=d.get("item_no"),
        outcome=t.label("outcome", d.get("outcome")),
        parts="、".join(work.get("parts") or []) or "—",
        hours=work.get("labour_hours", "—"),
        cost=work.get("cost", "—"),
    )


def _shipped(t: Translator, d: dict[str, Any]) -> str:
    return t("summary.replacement_shipped", no=d.get("item_no"), serial=d.get("serial_no", ""))


SUMMARIES: dict[str, Summarise] = {
    "Reported": _reported,
    "Diagnosed": _diagnosed,
    "Quoted": lambda t, d: t("summary.quoted", no=d.get("item_no"), amount=d.get("amount")),
    "QuoteAccepted": lambda t, d: t("summary.quote_accepted", no=d.get("item_no")),
    "QuoteDeclined": lambda t, d: t("summary.quote_declined", no=d.get("item_no")),
    "RepairStarted": lambda t, d: t(
        "summary.repair_started", no=d.get("item_no"), mode=t.label("mode", d.get("mode"))
    ),
    "Repaired": _repaired,
    "ReplacementShipped": _shipped,
    "ReturnReceived": lambda t, d: t(
        "summary.return_received",
        no=d.get("item_no"),
        inspection=t.label("inspection", d.get("inspection")),
    ),
    "Refunded": lambda t, d: t("summary.refunded", no=d.get("item_no"), amount=d.get("amount")),
    "Escalated": lambda t, d: t(
        "summary.escalated", level=d.get("level"), reason=t.label("escalation", d.get("reason"))
    ),
    "CustomerConfirmed": lambda t, d: t("summary.customer_confirmed"),
    "Closed": _reason("summary.closed"),
    "Rejected": _reason("summary.rejected"),
    "Withdrawn": _reason("summary.withdrawn"),
    "Reopened": _reason("summary.reopened"),
}


def event_summary(t: Translator, event_type: str, payload: dict[str, Any] | None) -> str:
    """The event in one line; its type's name when it has no wording or no data."""
    summarise = SUMMARIES.get(event_type)
    if summarise is None or not payload:
        return t.label("event", event_type)
    return summarise(t, payload)
