"""The language the ``sanbao`` command line speaks: Chinese (zh-CN) or English.

``SANBAO_LANGUAGE`` (``zh`` or ``en``) when it is set; otherwise the POSIX
locale, read as the C library does (``LC_ALL``, then ``LC_MESSAGES``, then
``LANG``): a locale starting with ``zh`` means Chinese; otherwise English.
It is read from the environment, not from an option, so that the help texts,
which are built when the command line is loaded, speak it too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGE_ENV = "SANBAO_LANGUAGE"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(environ: Mapping[str, str] | None = None) -> str:
    """``zh`` or ``en``, from ``SANBAO_LANGUAGE`` or else the POSIX locale."""
    env = os.environ if environ is None else environ
    chosen = env.get(LANGUAGE_ENV, "").strip().lower()
    if chosen:
        return chosen[:2] if chosen[:2] in LANGUAGES else DEFAULT_LANGUAGE
    for name in LOCALE_VARIABLES:
        if locale := env.get(name, "").strip():
            return "zh" if locale.lower().startswith("zh") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
