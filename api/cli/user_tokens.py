"""``sanbao users``: issue, revoke and list API bearer tokens; set console passwords."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table

from api.cli.terminal import console
from api.cli.times import TIME_LABEL, local, local_or_dash
from api.roles import API_ROLES
from api.service.bootstrap import open_ledger
from api.settings import get_settings
from domain.errors import InvalidInputError
from domain.vocabulary import Role
from storage.passwords import PasswordStore
from storage.recorder import datastore_of
from storage.users import UserStore

app = typer.Typer(help="Issue, revoke and list API users and their bearer tokens.")
ROLE_NAMES = ", ".join(role.value for role in API_ROLES)


@contextmanager
def user_store() -> Iterator[UserStore]:
    ledger, _ = open_ledger(get_settings())
    try:
        yield UserStore(datastore_of(ledger))
    except InvalidInputError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()


@app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="the user id recorded on events, e.g. wang.fang")],
    role: Annotated[str, typer.Option(help=f"one of: {ROLE_NAMES}")],
    display_name: Annotated[
        str, typer.Option(help="the name people see in the console, e.g. 王芳")
    ] = "",
) -> None:
    """Create a user and print their bearer token (shown only this once)."""
    if role not in {r.value for r in API_ROLES}:
        raise typer.BadParameter(f"unknown role {role!r}; use one of: {ROLE_NAMES}")
    with user_store() as users:
        token = users.add(name, Role(role), display_name)
    console.print(f"user {name} ({role}) created; bearer token (shown once, keep it safe):")
    print(token)


@app.command("revoke")
def revoke_user(name: Annotated[str, typer.Argument(help="the user to revoke")]) -> None:
    """Revoke a user's token; their name stays on the events they recorded."""
    with user_store() as users:
        if not users.revoke(name):
            console.print(f"[red]error:[/red] no active user {name!r}")
            raise typer.Exit(code=1)
    console.print(f"user {name} revoked")


@app.command("token-reset")
def reset_token(name: Annotated[str, typer.Argument(help="the user whose token was lost")]) -> None:
    """Give a user a new bearer token (shown only this once); their old token stops working."""
    with user_store() as users:
        token = users.reset_token(name)
    if token is None:
        console.print(f"[red]error:[/red] no active user {name!r}")
        raise typer.Exit(code=1)
    console.print(f"user {name}: new bearer token (shown once, keep it safe; the old one is void):")
    print(token)


@app.command("password")
def set_password(
    name: Annotated[str, typer.Argument(help="the user who signs in to the console")],
    stdin: Annotated[
        bool, typer.Option("--stdin", help="read the password from standard input (scripts)")
    ] = False,
) -> None:
    """Set a user's console password (asked twice, not shown); lifts a lock-out.

    设置用户的控制台登录密码（输入两次，不显示），并解除锁定。"""
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password / 密码", hide_input=True)
        if typer.prompt("again / 再次输入", hide_input=True) != password:
            console.print("[red]error:[/red] the two passwords differ / 两次输入的密码不一致")
            raise typer.Exit(code=1)
    ledger, _ = open_ledger(get_settings())
    try:
        changed = PasswordStore(datastore_of(ledger)).set_password(name, password)
    except InvalidInputError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()
    if not changed:
        console.print(f"[red]error:[/red] no active user {name!r} / 没有名为 {name!r} 的有效用户")
        raise typer.Exit(code=1)
    console.print(f"user {name}: password set / 用户 {name} 的密码已设置")


@app.command("list")
def list_users() -> None:
    """List users, their roles and whether they are revoked (never their tokens)."""
    with user_store() as users:
        records = users.list()
    table = Table(title=f"Users (times in {TIME_LABEL})")
    for column in ("name", "display name", "role", "password", "created", "revoked"):
        table.add_column(column)
    for record in records:
        table.add_row(
            record.name, record.display_name, record.role,
            "locked" if record.locked_until else "set" if record.has_password else "-",
            local(record.created_at), local_or_dash(record.revoked_at),
        )  # fmt: skip
    console.print(table)
