"""The command line's language, chosen from the environment; its two catalogs say the same."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from api.cli.language import cli_language
from api.cli.messages import catalog

CLI = Path(__file__).resolve().parents[2] / "api" / "cli"
# Whole keys only: ``t(f"claim_show.{column}")`` builds its key (the output tests cover it).
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_]+)["']\s*[,)]""")


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "SANBAO_LANGUAGE": "en"}, "en"),
        ({"LANG": "en_US.UTF-8", "SANBAO_LANGUAGE": "zh"}, "zh"),
        ({"SANBAO_LANGUAGE": "zh-CN"}, "zh"),
        ({"SANBAO_LANGUAGE": "fr", "LANG": "zh_CN.UTF-8"}, "en"),
    ],
)
def test_the_language_comes_from_sanbao_language_else_the_locale_else_english(
    environ: dict[str, str], language: str
) -> None:
    assert cli_language(environ) == language


def test_both_catalogs_have_the_same_keys() -> None:
    zh, en = catalog("zh"), catalog("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}


def test_each_message_has_the_same_placeholders_in_both_languages() -> None:
    zh, en = catalog("zh"), catalog("en")
    differ = {
        key: (en[key], zh[key]) for key in en if placeholders(en[key]) != placeholders(zh[key])
    }
    assert differ == {}


def test_every_message_the_command_line_names_exists() -> None:
    used = {key for path in CLI.glob("*.py") for key in LITERAL_KEY.findall(path.read_text())}
    assert len(used) > 100, "the command line's message keys were not found"
    assert sorted(used - set(catalog("en"))) == []


def test_every_chinese_message_is_chinese() -> None:
    en = catalog("en")
    same = [key for key, message in catalog("zh").items() if message == en[key] and message != "-"]
    # Only what reads the same in both: a column of numbers, a bare separator.
    assert sorted(same) == ["claim_show.no"]
