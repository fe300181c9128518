"""Reasons a person can act on for the request validator's refusals, in English and Chinese.

Pydantic's own messages name its internals: a regular expression for a month,
"JSON decode error" with a character offset for a syntax error. Here each kind of
refusal a person meets says the form expected, with an example, and a JSON syntax
error names its line and column.
"""

from __future__ import annotations

from typing import Any

TIME_EXAMPLE = "2026-11-30T14:00:00+08:00"
MONTH_PATTERN = r"^[12][0-9]{3}-(0[1-9]|1[0-2])$"

# The patterns of the API's schemas, each as the form it asks for.
PATTERN_FORMS = {
    MONTH_PATTERN: ("a month as YYYY-MM, e.g. 2026-11", "月份，格式 YYYY-MM，例如 2026-11"),
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": (
        "letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. LF-2026-0001",
        "字母、数字、'.'、'_' 和 '-'，以字母或数字开头，例如 LF-2026-0001",
    ),
    r"^[0-9a-f]{64}$": (
        "a SHA-256 as 64 lowercase hexadecimal digits",
        "SHA-256 摘要：64 位小写十六进制数字",
    ),
    r"^[\w.+-]+/[\w.+-]+$": ("a media type, e.g. image/jpeg", "媒体类型，例如 image/jpeg"),
}


def reasons(error: dict[str, Any]) -> tuple[str, str | None]:
    """(English, Chinese or None) reason for one of pydantic's errors."""
    kind = str(error.get("type", ""))
    cause = str((error.get("ctx") or {}).get("error", "")).strip()
    because = f" ({cause})" if cause else ""
    if kind == "timezone_aware":
        return (
            f"a time needs its offset from UTC: RFC 3339, e.g. {TIME_EXAMPLE}",
            f"时间须带 UTC 偏移：RFC 3339 格式，例如 {TIME_EXAMPLE}",
        )
    if kind.startswith("datetime"):
        return (
            f"expected a time in RFC 3339 with its offset, e.g. {TIME_EXAMPLE}{because}",
            f"时间格式应为带偏移的 RFC 3339，例如 {TIME_EXAMPLE}",
        )
    if kind.startswith("date_"):
        return (
            f"expected a date as YYYY-MM-DD, e.g. 2026-11-30{because}",
            "日期格式应为 YYYY-MM-DD，例如 2026-11-30",
        )
    if kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        if pattern in PATTERN_FORMS:
            english, chinese = PATTERN_FORMS[pattern]
            return f"expected {english}", f"应为{chinese}"
    return str(error.get("msg", "invalid")), None


def json_syntax(document: str | bytes, position: int, cause: str) -> dict[str, Any]:
    """The error entry of a JSON syntax error: its line and column (from 1), and what."""
    text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return {
        "field": "body",
        "reason": f"JSON syntax error at line {line}, column {column}: {cause}",
        "reason_zh": f"JSON 语法错误：第 {line} 行第 {column} 列（{cause}）",
        "line": line,
        "column": column,
    }
