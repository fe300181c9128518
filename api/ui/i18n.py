"""The console's two languages: message catalogs (one TOML file each) and babel formats.

Each catalog in ``locales/`` is a TOML document whose nested tables are
flattened to dotted keys (``[status] reported = …`` → ``status.reported``).
Domain values (statuses, causes, remedies …) are looked up as ``group.value``;
dates and times are shown in the business time zone (Asia/Shanghai), dates,
numbers and percentages in the language's own format (babel).
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from domain.claim import BUSINESS_TZ

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
BABEL_LOCALES = {"zh": Locale.parse("zh_Hans_CN"), "en": Locale.parse("en_GB")}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
# One way to write a moment per language, matching the day's format (babel's "medium"
# date: 2026年11月21日 / 21 Nov 2026), rather than babel's short numeric one.
DATETIME_PATTERNS = {"zh": "y年M月d日 HH:mm", "en": "d MMM y, HH:mm"}


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x"}}`` → ``{"a.b": "x"}``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(language: str) -> dict[str, str]:
    """The flattened messages of one language (read once per process)."""
    with (LOCALES_DIR / f"{language}.toml").open("rb") as file:
        return flatten(tomllib.load(file))


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


class Translator:
    """Messages and formats of one language, handed to every template as ``t``."""

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self.messages = catalog(self.language)
        self.locale = BABEL_LOCALES[self.language]
        self.html_lang = HTML_LANG[self.language]

    def __call__(self, key: str, /, **values: Any) -> str:
        """The message for ``key`` with ``{name}`` placeholders filled; the key if missing."""
        message = self.messages.get(key, key)
        return message.format(**values) if values else message

    def label(self, group: str, value: Any) -> str:
        """A domain value's name, e.g. ``label("cause", "misuse")`` → 人为损坏; "—" for None."""
        if value is None or value == "":
            return "—"
        raw = getattr(value, "value", value)
        return self.messages.get(f"{group}.{raw}", str(raw))

    def datetime(self, moment: datetime | None) -> str:
        """The moment in China time; one China time cannot show (a stored schedule at the
        very end of the calendar) is shown in its own zone, with that zone."""
        if moment is None:
            return "—"
        pattern = DATETIME_PATTERNS[self.language]
        try:
            return format_datetime(moment, pattern, tzinfo=BUSINESS_TZ, locale=self.locale)
        except OverflowError:
            shown = format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=self.locale)
            return f"{shown} ({moment.strftime('%z')})"

    def date(self, day: date | None) -> str:
        if day is None:
            return "—"
        return format_date(day, "medium", locale=self.locale)

    def month(self, day: date) -> str:
        pattern = "y年M月" if self.language == "zh" else "MMM y"
        return format_date(day, pattern, locale=self.locale)

    def short_month(self, day: date, with_year: bool = False) -> str:
        """A chart axis label: 11月 / Nov; the whole year where the axis begins or the year
        changes (2026年1月 / Jan 2026), never a two-digit one."""
        if day.month == 1 or with_year:
            return self.month(day)
        return format_date(day, "M月" if self.language == "zh" else "MMM", locale=self.locale)

    def number(self, value: int | float | Decimal | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.locale)

    def money(self, value: Decimal | None) -> str:
        return "—" if value is None else "¥" + self.number(value, 2)

    def percent(self, share: float | Decimal | None) -> str:
        if share is None:
            return "—"
        return format_percent(share, "#,##0.0%", locale=self.locale)
