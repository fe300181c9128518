"""The README's state table is the one the code renders, not a copy kept by hand."""

from __future__ import annotations

import re
from pathlib import Path

from domain.state_guards import markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_the_state_table_the_code_enforces() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- state-table:begin -->\n(.*?)<!-- state-table:end -->", text, re.S)
    assert found, "the README has no generated state table"
    assert found.group(1) == markdown_table(), "run: python -m domain.state_guards"
