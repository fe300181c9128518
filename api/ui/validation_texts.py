"""Field errors in the reader's language: pydantic's English messages and the fields they name.

The API answers its schemas' own (English) messages; the console shows the same
errors, so each message pydantic words is matched here and said again from the
catalog (``reason.*``), with the values it quotes (``'reported'`` → 已报告).
A message not known here is shown as it came.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from api.ui.i18n import Translator

QUOTED = re.compile(r"'([^']*)'")
# Each pydantic message, with the catalog key that says it and how to fill it.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^Field required$", "reason.required"),
        (r"^Extra inputs are not permitted$", "reason.extra"),
        (r"^Input should be a valid decimal$", "reason.decimal"),
        (r"^Input should be a valid number.*$", "reason.decimal"),
        (r"^Decimal input should have no more than (?P<n>\d+) decimal places?$", "reason.places"),
        (r"^Decimal input should have no more than (?P<n>\d+) digits? in total$", "reason.digits"),
        (r"^Input should be a valid integer.*$", "reason.integer"),
        (r"^Input should be a valid date.*$", "reason.date"),
        (r"^Input should be a valid datetime.*$", "reason.datetime"),
        (r"^Input should have timezone info$", "reason.datetime"),
        (r"^Input should be a valid boolean.*$", "reason.boolean"),
        (r"^Input should be a valid string$", "reason.string"),
        (r"^Input should be a valid (list|array)$", "reason.list"),
        (r"^Input should be greater than or equal to (?P<n>\S+)$", "reason.ge"),
        (r"^Input should be greater than (?P<n>\S+)$", "reason.gt"),
        (r"^Input should be less than or equal to (?P<n>\S+)$", "reason.le"),
        (r"^Input should be less than (?P<n>\S+)$", "reason.lt"),
        (r"^String should have at least (?P<n>\d+) characters?$", "reason.min_length"),
        (r"^String should have at most (?P<n>\d+) characters?$", "reason.max_length"),
        (r"^String should match pattern .*$", "reason.pattern"),
        (r"^List should have at least (?P<n>\d+) items?.*$", "reason.min_items"),
        (r"^List should have at most (?P<n>\d+) items?.*$", "reason.max_items"),
        (r"^Input should be '.*$", "reason.one_of"),
    )
)


def field_text(t: Translator, field: str) -> str:
    """A field path in words: ``items.0.price`` → 价格 (第 1 行)."""
    parts = field.split(".")
    names = [p for p in parts if not p.isdigit()]
    rows = [int(p) + 1 for p in parts if p.isdigit()]
    name = t.label("field", names[-1]) if names else field
    return t("reason.row", field=name, row=rows[-1]) if rows else name


def _option(t: Translator, field: str, value: str) -> str:
    """A quoted enum value named as the pages name it (its group found by the field)."""
    last = [p for p in field.split(".") if not p.isdigit()][-1:] or [field]
    for group in (*last, *GROUP_OF.get(last[0], ())):
        key = f"{group}.{value}"
        if key in t.messages:
            return t.messages[key]
    return value


def reason_text(t: Translator, field: str, reason: str) -> str:
    """The reason of a field error in the reader's language."""
    for pattern, key in PATTERNS:
        match = pattern.match(reason)
        if match is None:
            continue
        if key == "reason.one_of":
            options = [_option(t, field, value) for value in QUOTED.findall(reason)]
            return t(key, options="、".join(options) if t.language == "zh" else ", ".join(options))
        return t(key, **match.groupdict())
    return reason


# Fields whose values belong to a catalog group of another name.
GROUP_OF: dict[str, tuple[str, ...]] = {
    "problem_category": ("problem",),
    "requested_remedy": ("remedy",),
    "remedy": ("remedy",),
    "complaint_grade": ("grade",),
    "proof": ("proof",),
    "inspection": ("inspection",),
    "reason": ("escalation", "pause"),
}


def translators(t: Translator) -> dict[str, Callable[..., str]]:
    """The helpers templates call: ``field_text(name)`` and ``reason_text(field, reason)``."""
    return {
        "field_text": lambda field: field_text(t, field),
        "reason_text": lambda field, reason: reason_text(t, field, reason),
    }
