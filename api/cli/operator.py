"""Who runs a CLI command that records an action: a named, active user of the ledger.

The command line has no bearer token. Erasing a customer or revealing their
personal data is recorded under the operator named by ``sanbao --as USER`` or
``SANBAO_OPERATOR``, who must be an active user (``sanbao users list``) whose
role holds the permission the API would ask for; anyone else is refused.
"""

from __future__ import annotations

import os

from api.roles import allows
from domain.application import ClaimsLedger
from domain.errors import SanbaoError
from storage.recorder import datastore_of
from storage.users import User, UserStore

OPERATOR_ENV = "SANBAO_OPERATOR"


class OperatorError(SanbaoError):
    """Raised when a CLI action names no operator, an unknown one, or one without the right."""

    def __init__(self, message: str, detail_zh: str) -> None:
        super().__init__(message)
        self.detail_zh = detail_zh


_named_by_option: str | None = None


def name_operator(name: str | None) -> None:
    """``--as USER`` for this run (None: not given); it wins over SANBAO_OPERATOR."""
    global _named_by_option
    _named_by_option = name


def operator_user(ledger: ClaimsLedger, permission: str) -> User:
    """The operator, checked to be an active user whose role holds ``permission``."""
    name = (_named_by_option or os.environ.get(OPERATOR_ENV, "")).strip()
    if not name:
        raise OperatorError(
            "this is recorded under your name: run it as `sanbao --as USER …` or set "
            f"{OPERATOR_ENV}=USER (a user of `sanbao users list`)",
            f"此操作会记录操作人：请用 `sanbao --as 用户名 …` 或设置 {OPERATOR_ENV}=用户名"
            "（`sanbao users list` 中的用户）",
        )
    user = UserStore(datastore_of(ledger)).active_user(name)
    if user is None:
        raise OperatorError(
            f"no active user {name!r}: name a user of `sanbao users list`",
            f"没有名为 {name!r} 的有效用户：请使用 `sanbao users list` 中的用户",
        )
    if not allows(user.role, permission):
        raise OperatorError(
            f"{name} ({user.role.value}) may not do this: it needs {permission}",
            f"{name}（{user.role.value}）无此权限：需要 {permission}",
        )
    return user
