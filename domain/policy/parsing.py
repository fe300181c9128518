"""Reads one policy document from TOML and refuses anything it does not understand.

A policy file is checked completely on load, so a typo in a cause, a remedy or a
key fails at start-up with the file and the place named, not months later in
the middle of a diagnosis.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.errors import InvalidInputError
from domain.policy.closing import parse_closing
from domain.policy.document import (
    Conditions,
    Outcome,
    PolicyDocument,
    ProofCondition,
    Rule,
    Terms,
    Window,
)
from domain.policy.fees import parse_repair_fees
from domain.policy.plans import parse_plans
from domain.policy.toml_values import enum_value, only_keys, typed
from domain.vocabulary import Cause, Payer, Remedy, Team

TERM_TYPES: dict[str, type] = {f.name: int for f in fields(Terms)} | {
    "daily_depreciation_rate": Decimal,
    "negotiated_discount": Decimal,
}
WHEN_KEYS = {"causes", "window", "proof", "repeated_failure", "goods_used"}
THEN_KEYS = {
    "remedies",
    "free",
    "responsible",
    "shipping_payer",
    "route_to",
    "depreciation",
    "negotiated_discount",
}


def load_document(path: Path) -> PolicyDocument:
    """Reads and validates the policy file; its name must be ``<version>.toml``."""
    with path.open("rb") as file:
        # Decimal keeps rates exact: 0.004 must not become 0.00400000000000000008.
        data = tomllib.load(file, parse_float=Decimal)
    document = parse_document(data, path.name)
    if path.stem != document.version:
        raise InvalidInputError(
            f"{path.name}: version", f"{document.version!r} does not match the file name"
        )
    return document


def parse_document(data: dict[str, Any], source: str) -> PolicyDocument:
    """Builds a document from parsed TOML; raises InvalidInputError naming the place."""
    root = f"{source}: "
    only_keys(
        data,
        {
            "version",
            "effective_from",
            "defaults",
            "categories",
            "rules",
            "closing",
            "repair_fees",
            "plans",
        },
        root,
    )
    version = typed(data, "version", str, root)
    effective_from = typed(data, "effective_from", date, root)
    defaults = typed(data, "defaults", dict, root)
    only_keys(defaults, set(TERM_TYPES), f"{root}defaults")
    tables = typed(data, "categories", dict, root)
    categories = {
        # Each category starts from the defaults and overrides what it names.
        name: _terms(
            {**defaults, **typed(tables, name, dict, f"{root}categories")},
            f"{root}categories.{name}",
        )
        for name in tables
    }
    rules = tuple(
        _rule(table, f"{root}rules[{i}]")
        for i, table in enumerate(typed(data, "rules", list, root))
    )
    _check_rules(rules, source)
    fees = parse_repair_fees(data, root, set(categories))
    plans = parse_plans(data, root, set(categories))
    return PolicyDocument(
        version, effective_from, categories, rules, parse_closing(data, root), fees, plans
    )


def _terms(table: dict[str, Any], where: str) -> Terms:
    only_keys(table, set(TERM_TYPES), where)
    # An integer such as `negotiated_discount = 1` is a valid decimal too.
    table = {
        key: Decimal(value) if TERM_TYPES.get(key) is Decimal and type(value) is int else value
        for key, value in table.items()
    }
    values = {key: typed(table, key, kind, where) for key, kind in TERM_TYPES.items()}
    if any(value < 0 for value in values.values()):
        raise InvalidInputError(where, "terms must not be negative")
    return Terms(**values)


def _rule(table: object, where: str) -> Rule:
    if not isinstance(table, dict):
        raise InvalidInputError(where, f"must be a table ([[rules]]), not {table!r}")
    only_keys(table, {"id", "explanation", "explanation_zh", "when", "then"}, where)
    return Rule(
        rule_id=typed(table, "id", str, where),
        conditions=_conditions(typed(table, "when", dict, where), f"{where}.when"),
        outcome=_outcome(typed(table, "then", dict, where), f"{where}.then"),
        explanation=typed(table, "explanation", str, where),
        explanation_zh=typed(table, "explanation_zh", str, where, default=""),
    )


def _conditions(when: dict[str, Any], where: str) -> Conditions:
    only_keys(when, WHEN_KEYS, where)
    causes = tuple(
        enum_value(Cause, name, f"{where}.causes") for name in typed(when, "causes", list, where)
    )
    if not causes:
        raise InvalidInputError(f"{where}.causes", "a rule must name at least one cause")
    used = when.get("goods_used")
    return Conditions(
        causes=causes,
        window=enum_value(Window, when.get("window", "any"), f"{where}.window"),
        proof=enum_value(ProofCondition, when.get("proof", "any"), f"{where}.proof"),
        repeated_failure=typed(when, "repeated_failure", bool, where, False),
        goods_used=None if used is None else typed(when, "goods_used", bool, where),
    )


def _outcome(then: dict[str, Any], where: str) -> Outcome:
    only_keys(then, THEN_KEYS, where)
    route = then.get("route_to")
    return Outcome(
        remedies=tuple(
            enum_value(Remedy, name, f"{where}.remedies")
            for name in typed(then, "remedies", list, where)
        ),
        free=typed(then, "free", bool, where),
        responsible=enum_value(Payer, then.get("responsible"), f"{where}.responsible"),
        shipping_payer=enum_value(Payer, then.get("shipping_payer"), f"{where}.shipping_payer"),
        route_to=None if route is None else enum_value(Team, route, f"{where}.route_to"),
        depreciation=typed(then, "depreciation", bool, where, False),
        negotiated_discount=typed(then, "negotiated_discount", bool, where, False),
    )


def _check_rules(rules: tuple[Rule, ...], source: str) -> None:
    """Ids are unique, every rule can fire, and no cause falls through the table."""
    seen: set[str] = set()
    answered: dict[Cause, str] = {}  # cause → the catch-all rule that settles it
    for rule in rules:
        if rule.rule_id in seen:
            raise InvalidInputError(f"{source}: rules", f"rule id {rule.rule_id!r} is repeated")
        seen.add(rule.rule_id)
        if all(cause in answered for cause in rule.conditions.causes):
            # First match wins, so a rule behind catch-alls for all its causes is dead:
            # almost certainly a rule placed in the wrong order.
            earlier = answered[rule.conditions.causes[0]]
            raise InvalidInputError(
                f"{source}: rules", f"rule {rule.rule_id!r} can never fire: {earlier!r} comes first"
            )
        if rule.conditions.is_catch_all:
            for cause in rule.conditions.causes:
                answered.setdefault(cause, rule.rule_id)
    missing = [cause.value for cause in Cause if cause not in answered]
    if missing:
        raise InvalidInputError(
            f"{source}: rules",
            f"no catch-all rule (window any, no other condition) for: {', '.join(missing)}",
        )
