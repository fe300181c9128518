"""Errors raised by the HTTP layer itself (the domain's are in ``domain/errors.py``).

::

    ApiError
     ├── NotAuthenticatedError      no bearer token, or one that is unknown or revoked
     ├── PermissionDeniedError      the user's role lacks the permission the route needs
     ├── UnknownParametersError     query parameters the route does not have
     ├── ViewsBehindError           the views did not reach min_position in time
     │    └── TooManyWaitersError   so many requests wait for the views that no more may
     └── DatabaseUnavailableError   PostgreSQL cannot be reached (also raised for the
          │                         library's and psycopg's connection errors)
          └── StandbyUnavailableError  the hot standby answering the views cannot be
                                       reached (the primary may well be up)

The refusals of an Idempotency-Key are the key store's (``storage/idempotency.py``).
``api/http/problems.py`` maps each class to its HTTP answer.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base class of the errors the HTTP layer raises on purpose."""


class NotAuthenticatedError(ApiError):
    """Raised when a request has no valid bearer token."""


class PermissionDeniedError(ApiError):
    """Raised when the authenticated user's role does not grant the route's permission."""

    def __init__(self, role: str, permission: str) -> None:
        super().__init__(f"the role {role!r} does not have the permission {permission!r}")
        self.role = role
        self.permission = permission


class UnknownParametersError(ApiError):
    """Raised when a request names query parameters its route does not declare."""

    def __init__(self, unknown: list[str], declared: list[str]) -> None:
        known = ", ".join(declared) or "none"
        super().__init__(
            f"unknown query parameter(s): {', '.join(unknown)}; this route takes {known}"
        )
        self.unknown = unknown
        self.declared = declared
        self.detail_zh = f"未知的查询参数：{'、'.join(unknown)}；本接口可用：{known}"


class ViewsBehindError(ApiError):
    """Raised when the views do not reach the requested ledger position in time."""

    def __init__(self, position: int) -> None:
        super().__init__(f"the views have not reached ledger position {position} yet")
        self.position = position


class TooManyWaitersError(ViewsBehindError):
    """Raised when a read would wait for the views while the cap of waiters is reached."""

    def __init__(self, position: int, waiting: int) -> None:
        ApiError.__init__(
            self,
            f"the views have not reached ledger position {position} yet, and {waiting} "
            "requests already wait for them; retry shortly",
        )
        self.position = position
        self.waiting = waiting
        self.detail_zh = f"视图尚未到达账本位置 {position}，已有 {waiting} 个请求在等待；请稍后重试"


class DatabaseUnavailableError(ApiError):
    """Raised when PostgreSQL cannot be reached."""

    def __init__(self) -> None:
        super().__init__("the database is unavailable")


class StandbyUnavailableError(DatabaseUnavailableError):
    """Raised when the hot standby of ``DATABASE_READ_URL`` cannot be reached: the view
    reads answer 503, and the primary is not taken for down (commands go on)."""
