"""The facts of one query that the rule conditions test, computed once per evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInputError
from domain.policy.document import Conditions, ProofCondition, Terms, Window
from domain.policy.periods import (
    days_since_receipt,
    received_on,
    warranty_ends_on,
    warranty_start,
)
from domain.values import PolicyQuery
from domain.vocabulary import ProofOfPurchase, RepairOutcome


@dataclass(frozen=True)
class Facts:
    """Where a query stands against one category's terms."""

    days_since_receipt: int
    warranty_ends_on: date
    in_return_window: bool
    in_exchange_window: bool
    in_warranty: bool
    has_proof: bool
    failed_repairs: int
    repeated_failure: bool
    plan_id: str = ""  # the extended warranty plan that runs past the statutory warranty

    def satisfy(self, when: Conditions, query: PolicyQuery) -> bool:
        """True when every condition of a rule holds for these facts."""
        return (
            query.cause in when.causes
            and self._in_window(when.window)
            and self._proof_matches(when.proof)
            and (self.repeated_failure or not when.repeated_failure)
            and (when.goods_used is None or when.goods_used == query.goods_used)
        )

    def _in_window(self, window: Window) -> bool:
        return {
            Window.RETURN: self.in_return_window,
            Window.EXCHANGE: self.in_exchange_window,
            Window.WARRANTY: self.in_warranty,
            Window.ANY: True,
        }[window]

    def _proof_matches(self, proof: ProofCondition) -> bool:
        if proof is ProofCondition.ANY:
            return True
        return self.has_proof == (proof is ProofCondition.REQUIRED)


def facts_of(query: PolicyQuery, terms: Terms) -> Facts:
    """Checks the query's dates and works out its windows, warranty and failed repairs."""
    check_query(query)
    days = days_since_receipt(query)
    ends_on = warranty_ends_on(query, terms.warranty_months)
    plan_id = ""
    if query.plan_id and query.plan_ends_on is not None and query.plan_ends_on > ends_on:
        # An extended plan covering this cause keeps the item in warranty until its end.
        ends_on, plan_id = query.plan_ends_on, query.plan_id
    # Only repairs of the current item and warranty count towards an exchange.
    failed = sum(
        1
        for repair in query.repairs
        if repair.outcome is RepairOutcome.STILL_FAILING
        and repair.started_on >= warranty_start(query)
    )
    return Facts(
        days_since_receipt=days,
        warranty_ends_on=ends_on,
        in_return_window=days <= terms.return_days,
        in_exchange_window=days <= terms.exchange_days,
        in_warranty=query.reported_on <= ends_on,
        has_proof=query.proof is not ProofOfPurchase.NONE,
        failed_repairs=failed,
        repeated_failure=failed >= terms.failed_repairs_for_exchange,
        plan_id=plan_id,
    )


def check_query(query: PolicyQuery) -> None:
    """Refuses dates out of order and negative prices before anything is decided."""
    if query.delivered_on is not None and query.delivered_on < query.purchased_on:
        raise InvalidInputError("delivered_on", "must not be before purchased_on")
    if query.reported_on < received_on(query):
        raise InvalidInputError(
            "reported_on",
            f"{query.reported_on} is before the goods were received on {received_on(query)}",
        )
    if query.exchanged_on is not None and query.exchanged_on < query.purchased_on:
        raise InvalidInputError("exchanged_on", "must not be before purchased_on")
    for repair in query.repairs:
        if repair.finished_on < repair.started_on:
            raise InvalidInputError("repairs.finished_on", "must not be before started_on")
    if query.price < 0:
        raise InvalidInputError("price", "must not be negative")
