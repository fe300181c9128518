"""The problem members of the time rules' refusals, with the reason in both languages."""

from __future__ import annotations

from typing import Any

from domain import errors as domain


def time_problem(error: domain.SanbaoError) -> dict[str, Any] | None:
    """The members for a refusal of ``domain.time_order`` / ``domain.time_window`` or a
    history query, or None for any other error."""
    if isinstance(error, domain.TimeOrderError):
        previous = error.previous.isoformat()
        return {
            "detail_zh": f"业务时间 occurred_at 早于本案上一事实的时间（{previous}，版本 "
            f"{error.version}）",
            "errors": [{"field": error.field, "reason": error.reason}],
            "previous_occurred_at": previous,
            "claim_version": error.version,
        }
    if isinstance(error, domain.OutOfWindowError):
        earliest, latest = error.earliest.isoformat(), error.latest.isoformat()
        return {
            "detail_zh": f"{error.field} 须在 {earliest} 至 {latest} 之间",
            "errors": [{"field": error.field, "reason": error.reason}],
            "earliest": earliest,
            "latest": latest,
        }
    if isinstance(error, domain.ExclusiveParametersError):
        names = "、".join(error.fields)
        return {
            "detail_zh": f"{names} 只能给出其中一个",
            "errors": [{"field": name, "reason": error.reason} for name in error.fields],
        }
    if isinstance(error, domain.VersionNotFoundError):
        return {
            "detail_zh": f"本案没有版本 {error.version}，当前版本为 {error.current}",
            "current_version": error.current,
        }
    return None
