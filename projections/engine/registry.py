"""Every read model of the ledger, by name, built for a schema."""

from __future__ import annotations

from collections.abc import Callable

from domain.application import ClaimsLedger
from projections.audit.audit_view import AuditTrailView
from projections.claims.claims_view import ClaimsView
from projections.engine.view import VIEWS_SCHEMA, View
from projections.reports.cost_view import CostView
from projections.reports.solutions_view import SolutionsView
from projections.sla.sla_view import SlaView
from projections.trace.trace_view import TraceView

ViewFactory = Callable[[str], View]


def view_factories(ledger: ClaimsLedger) -> dict[str, ViewFactory]:
    """Constructors of every view, keyed by view name, taking the schema to write."""
    return {
        "claims": lambda schema: ClaimsView(ledger.mapper, schema=schema),
        "audit": lambda schema: AuditTrailView(schema=schema),
        "trace": lambda schema: TraceView(schema=schema),
        "sla": lambda schema: SlaView(ledger.calendar, ledger.sla_targets, schema=schema),
        "costs": lambda schema: CostView(schema=schema),
        "solutions": lambda schema: SolutionsView(schema=schema),
    }


def build_views(
    ledger: ClaimsLedger, only: list[str] | None = None, schema: str = VIEWS_SCHEMA
) -> list[View]:
    """The live views (all, or the named ones); unknown names raise KeyError."""
    factories = view_factories(ledger)
    names = only or list(factories)
    unknown = [n for n in names if n not in factories]
    if unknown:
        raise KeyError(f"unknown view(s) {', '.join(unknown)}; known: {', '.join(factories)}")
    return [factories[n](schema) for n in names]
