"""``sanbao users``: issue, revoke and list API bearer tokens; set console passwords."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table

from api.cli.error_text import error_text
from api.cli.messages import label, t
from api.cli.terminal import console
from api.cli.times import local, local_or_dash, time_label
from api.roles import API_ROLES
from api.service.bootstrap import open_ledger
from api.settings import get_settings
from domain.errors import InvalidInputError
from domain.vocabulary import Role
from storage.passwords import PasswordStore
from storage.recorder import datastore_of
from storage.users import UserStore

app = typer.Typer(help=t("users.help"))
ROLE_NAMES = ", ".join(role.value for role in API_ROLES)


@contextmanager
def user_store() -> Iterator[UserStore]:
    ledger, _ = open_ledger(get_settings())
    try:
        yield UserStore(datastore_of(ledger))
    except InvalidInputError as error:
        console.print(t("common.error", message=error_text(error)), highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()


@app.command("add", help=t("users.add_help"))
def add_user(
    name: Annotated[str, typer.Argument(help=t("users.name"))],
    role: Annotated[str, typer.Option(help=t("users.role", roles=ROLE_NAMES))],
    display_name: Annotated[str, typer.Option(help=t("users.display_name"))] = "",
) -> None:
    """Create a user and print their bearer token (shown only this once)."""
    if role not in {r.value for r in API_ROLES}:
        raise typer.BadParameter(t("users.unknown_role", role=role, roles=ROLE_NAMES))
    with user_store() as users:
        token = users.add(name, Role(role), display_name)
    console.print(t("users.created", name=name, role=label("role", role)))
    print(token)


@app.command("revoke", help=t("users.revoke_help"))
def revoke_user(name: Annotated[str, typer.Argument(help=t("users.revoke_name"))]) -> None:
    """Revoke a user's token; their name stays on the events they recorded."""
    with user_store() as users:
        if not users.revoke(name):
            console.print(t("common.error", message=t("users.no_active_user", name=name)))
            raise typer.Exit(code=1)
    console.print(t("users.revoked", name=name))


@app.command("token-reset", help=t("users.reset_help"))
def reset_token(name: Annotated[str, typer.Argument(help=t("users.reset_name"))]) -> None:
    """Give a user a new bearer token (shown only this once); their old token stops working."""
    with user_store() as users:
        token = users.reset_token(name)
    if token is None:
        console.print(t("common.error", message=t("users.no_active_user", name=name)))
        raise typer.Exit(code=1)
    console.print(t("users.new_token", name=name))
    print(token)


@app.command("password", help=t("users.password_help"))
def set_password(
    name: Annotated[str, typer.Argument(help=t("users.password_name"))],
    stdin: Annotated[bool, typer.Option("--stdin", help=t("users.stdin"))] = False,
) -> None:
    """Set a user's console password (asked twice, not shown); lifts a lock-out."""
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(t("users.password_prompt"), hide_input=True)
        if typer.prompt(t("users.again_prompt"), hide_input=True) != password:
            console.print(t("common.error", message=t("users.passwords_differ")))
            raise typer.Exit(code=1)
    ledger, _ = open_ledger(get_settings())
    try:
        changed = PasswordStore(datastore_of(ledger)).set_password(name, password)
    except InvalidInputError as error:
        console.print(t("common.error", message=error_text(error)), highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()
    if not changed:
        console.print(t("common.error", message=t("users.no_active_user", name=name)))
        raise typer.Exit(code=1)
    console.print(t("users.password_set", name=name))


@app.command("list", help=t("users.list_help"))
def list_users() -> None:
    """List users, their roles and whether they are revoked (never their tokens)."""
    with user_store() as users:
        records = users.list()
    table = Table(title=t("users.title", time_label=time_label()))
    for column in ("name", "display_name", "role", "password", "created", "revoked"):
        table.add_column(t(f"users.column_{column}"))
    for record in records:
        password = (
            t("users.locked")
            if record.locked_until
            else (t("users.set") if record.has_password else "-")
        )
        table.add_row(
            record.name, record.display_name, label("role", record.role), password,
            local(record.created_at), local_or_dash(record.revoked_at),
        )  # fmt: skip
    console.print(table)
