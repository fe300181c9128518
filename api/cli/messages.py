"""Every text the command line shows people, in Chinese and in English.

The messages live in ``locales/zh.toml`` and ``locales/en.toml`` (nested tables
flattened to dotted keys, as the console's catalogs are). ``t(key, **values)``
answers in the language of ``api.cli.language`` at the moment it is called:
help texts are looked up once, when the command line is loaded; messages each
time they are printed. ``label(group, value)`` names a domain value (a status,
a role …) in Chinese with the console's own words; English shows the code,
which is also what the options accept.

The catalog is the command line's own, apart from the console's: the two are
read by different people at different places, and a console page may change its
words without the command line's output (which scripts and tests read) moving.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from api.cli.language import cli_language
from api.ui.i18n import catalog as console_catalog

LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x"}}`` → ``{"a.b": "x"}``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


@cache
def catalog(language: str) -> dict[str, str]:
    """The flattened messages of one language (read once per process)."""
    with (LOCALES_DIR / f"{language}.toml").open("rb") as file:
        return flatten(tomllib.load(file))


def t(key: str, /, **values: Any) -> str:
    """The message for ``key`` in the command line's language, ``{name}`` filled in.

    A key missing from the catalog raises KeyError: the catalog test finds it first."""
    message = catalog(cli_language())[key]
    return message.format(**values) if values else message


def label(group: str, value: Any) -> str:
    """A domain value as people read it: the console's Chinese name, or the code in English."""
    if value is None or value == "":
        return "-"
    code = str(getattr(value, "value", value))
    if cli_language() != "zh":
        return code
    return console_catalog("zh").get(f"{group}.{code}", code)
