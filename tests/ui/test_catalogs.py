"""The two message catalogs say the same things: same keys, every key the pages use."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import pytest

from api.ui.i18n import LANGUAGES, catalog
from api.ui.labels import ENUM_GROUPS

UI = Path(__file__).resolve().parents[2] / "api" / "ui"
# Whole keys only: ``t("report.chart_" ~ name)`` builds its key, checked elsewhere.
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_-]+)["']\s*[,)]""")


def test_both_catalogs_have_the_same_keys() -> None:
    zh, en = catalog("zh"), catalog("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


def test_every_message_the_code_and_templates_name_exists() -> None:
    sources = [*UI.glob("templates/*.html"), *UI.glob("*.py"), *UI.glob("routes/*.py")]
    used = {key for path in sources for key in LITERAL_KEY.findall(path.read_text())}
    assert used, "no message keys found"
    assert sorted(used - set(catalog("en"))) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_domain_value_has_a_name(language: str) -> None:
    messages = catalog(language)
    enums: dict[type[Enum], str] = ENUM_GROUPS
    missing = [
        f"{group}.{member.value}"
        for enum, group in enums.items()
        for member in enum
        if f"{group}.{member.value}" not in messages
    ]
    assert missing == []


def test_the_chinese_remedies_use_the_sanbao_terms() -> None:
    zh = catalog("zh")
    assert (zh["remedy.repair"], zh["remedy.exchange"], zh["remedy.return"]) == (
        "包修",
        "包换",
        "包退",
    )
    assert "三包凭证" in zh["purchase.proof"]
