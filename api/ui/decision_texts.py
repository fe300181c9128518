"""A 三包 decision and a quote's lines in the reader's language.

A recorded decision names its rule and policy version; the policy data holds
each rule's explanation in English and Chinese, so the Chinese text is looked
up by rule id and version and completed from the decision's own figures (the
recorded event stays as it was). The day of the report after receipt is read
from the recorded English text, the only place that keeps it.
"""

from __future__ import annotations

import re
from functools import cache, partial

from api.ui.i18n import Translator
from domain.errors import UnknownPolicyVersionError
from domain.policy.book import default_policy_book
from domain.values import CoverageDecision
from domain.vocabulary import Remedy

REPORT_DAY = re.compile(r"Reported on day (-?\d+) after receipt")
EXCHANGE_PRICE = re.compile(r"An exchange costs \S+ of the price: (\S+) per unit")
# The quote lines the ledger words itself (domain.quotes), with the catalog key of each.
QUOTE_LINES = (
    (re.compile(r"^exchange at (?P<rate>\S+): (?P<basis>.+)$"), "quote_line.exchange"),
    (re.compile(r"^repair at the policy's fee: (?P<basis>.+)$"), "quote_line.repair"),
)
BASIS_UNITS = (
    (re.compile(r" \(capped at the price\)"), "capped"),
    (re.compile(r"\b(\d+) days?\b"), "days"),
    (re.compile(r"\b(\d+) units?\b"), "units"),
)


@cache
def rule_explanation_zh(version: str, rule_id: str) -> str:
    """The rule's Chinese explanation in that policy version; "" when it has none."""
    try:
        return default_policy_book().get(version).rule(rule_id).explanation_zh
    except (UnknownPolicyVersionError, KeyError):
        return ""


def basis_text(t: Translator, basis: str) -> str:
    """A formula's words (``× 40 days``, ``(capped at the price)``) in the reader's language."""
    if t.language != "zh":
        return basis
    for pattern, unit in BASIS_UNITS:
        if unit == "capped":
            basis = pattern.sub(t("explain.capped"), basis)
        else:
            basis = pattern.sub(partial(_counted, t, unit), basis)
    return basis


def _counted(t: Translator, unit: str, match: re.Match[str]) -> str:
    return t(f"explain.{unit}", n=match.group(1))


def decision_explanation(t: Translator, decision: CoverageDecision) -> str:
    """Why the policy decided so: the recorded text, or its Chinese counterpart."""
    rule_zh = rule_explanation_zh(decision.policy_version, decision.rule_id)
    if t.language != "zh" or not rule_zh:
        return decision.explanation
    lines = [rule_zh]
    day = REPORT_DAY.search(decision.explanation)
    ends = t.date(decision.warranty_ends_on)
    if day:
        lines.append(t("explain.reported_day", day=day.group(1), ends=ends))
    if decision.plan_id:
        lines.append(t("explain.plan", plan=decision.plan_id, ends=ends))
    if decision.deduction or decision.deduction_basis:
        lines.append(
            t(
                "explain.depreciation",
                amount=t.number(decision.deduction, 2),
                basis=basis_text(t, decision.deduction_basis),
            )
        )
    if decision.discount_rate is not None:
        price = EXCHANGE_PRICE.search(decision.explanation)
        lines.append(
            t(
                "explain.discount",
                rate=t.percent(decision.discount_rate).replace(".0", ""),
                amount=price.group(1) if price else "—",
            )
        )
    if decision.repair_fee is not None:
        lines.append(t("explain.repair_fee", fee=t.number(decision.repair_fee, 2)))
    if Remedy.RETURN in decision.remedies:
        lines.append(t("explain.refund", days=decision.refund_within_days))
    return "".join(lines)


def quote_line_text(t: Translator, description: str) -> str:
    """A quote line the ledger worded, in the reader's language; others as written."""
    if t.language != "zh":
        return description
    for pattern, key in QUOTE_LINES:
        match = pattern.match(description)
        if match:
            values = match.groupdict()
            values["basis"] = basis_text(t, values["basis"])
            return t(key, **values)
    return description
