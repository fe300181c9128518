"""Whole numbers typed by people or programs: ASCII digits only.

``str.isdigit`` also accepts superscripts (``²``) and other scripts' digits, which
``int`` then refuses or reads differently; every number read from a request
(``If-Match``, cursors, form fields) goes through ``ascii_number`` instead.
"""

from __future__ import annotations

import re

DIGITS = re.compile(r"[0-9]{1,18}")


def ascii_number(text: str | None) -> int | None:
    """The number ``text`` spells in ASCII digits (at most 18), else None."""
    if text is None or not DIGITS.fullmatch(text):
        return None
    return int(text)
