"""``sanbao customers erase`` and ``sanbao access-log``; the customer line of ``claim show``.

Erasure and reveals are recorded under the operator (``api.cli.operator``: a
named, active user holding the API's permission). A masked line, which shows no
personal data, is logged like the API's answers under the login name and role
``cli``.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from api.cli.ledger_session import ledger_session
from api.cli.messages import label, t
from api.cli.operator import operator_user
from api.cli.terminal import console
from api.cli.times import local, time_label
from api.roles import CUSTOMERS_ERASE, PERSONAL_READ
from api.settings import get_settings
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.erasure import erase_customer
from domain.errors import InvalidInputError
from domain.personal_data import SEALED_FIELDS, mask
from domain.reveal_purposes import reveal_purpose
from storage.access_log import record_access, search_access_log
from storage.customer_keys import PostgresCustomerKeys
from storage.recorder import datastore_of

app = typer.Typer(help=t("customers.help"))
CLI_ROLE = "cli"


@app.command("erase", help=t("customers.erase_help"))
def erase(
    customer_id: Annotated[str, typer.Argument(help=t("customers.customer_id"))],
    yes: Annotated[bool, typer.Option("--yes", help=t("customers.yes"))] = False,
) -> None:
    """Destroy a customer's key and record the erasure on each of their claims."""
    with ledger_session() as ledger:
        user = operator_user(ledger, CUSTOMERS_ERASE)
        if not yes:
            typer.confirm(t("customers.confirm", customer=customer_id), abort=True)
        erasure = erase_customer(ledger, customer_id, user.actor)
    when = local(erasure.erased_at)
    said = "customers.erased" if erasure.newly else "customers.already"
    console.print(t(said, customer=customer_id, when=when, user=erasure.erased_by))
    for claim in erasure.claims:
        recorded = (
            t("customers.position", position=claim.position)
            if claim.position
            else t("customers.recorded_before")
        )
        console.print(t("customers.claim_erased", number=claim.claim_number, recorded=recorded))


def describe_keys(ledger: ClaimsLedger) -> None:
    """Which master key wraps customers' keys, and whether another one wrapped some."""
    keys = ledger.customer_keys
    if not isinstance(keys, PostgresCustomerKeys):
        return
    console.print(t("customers.master_key", key=keys.master_key_id))
    foreign = keys.foreign_master_keys()
    if foreign:
        console.print(t("customers.foreign_keys", keys=", ".join(foreign)))


def customer_line(
    ledger: ClaimsLedger, claim: Claim, reveal: bool, purpose: str | None = None
) -> str:
    """The customer as ``sanbao claim show`` prints them (masked unless revealed, logged).

    A reveal names its purpose and counts against the operator's hourly limit, as
    the API's do (PurposeRequiredError, RevealLimitError).
    """
    if purpose is not None and not reveal:
        raise InvalidInputError(
            "purpose",
            "names the purpose of a reveal: give --reveal",
            "--purpose 是查看个人信息的用途：须与 --reveal 一同使用",
        )
    named = reveal_purpose(purpose).value if reveal else None
    region = claim.customer.region or t("claim_show.unknown_region")
    plain = None if claim.personal_data_erased else ledger.customer_of(claim)
    if plain is None:
        return t("claim_show.erased", region=region)
    shown = plain if reveal else mask(plain)
    reader = operator_user(ledger, PERSONAL_READ) if reveal else None
    record_access(
        datastore_of(ledger),
        reader.name if reader else getpass.getuser(),
        reader.role.value if reader else CLI_ROLE,
        claim.id,
        [name for name in SEALED_FIELDS if getattr(plain, name)],
        "sanbao claim show",
        disclosure="revealed" if reveal else "masked",
        customer_id=plain.customer_id,
        purpose=named,
        reveal_limit=get_settings().reveal_limit_per_hour if reveal else None,
    )
    contact = ", ".join(v for v in (shown.phone, shown.email, shown.address) if v)
    return f"{shown.name} ({region}) {contact}".strip()


def access_log(
    claim: Annotated[UUID | None, typer.Option(help=t("access_log.claim"))] = None,
    actor: Annotated[str | None, typer.Option(help=t("access_log.actor"))] = None,
    since: Annotated[datetime | None, typer.Option("--from", help=t("access_log.since"))] = None,
    until: Annotated[datetime | None, typer.Option("--to", help=t("access_log.until"))] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help=t("access_log.limit"))] = 50,
) -> None:
    """Show who was shown which claim's personal data, newest first."""
    with ledger_session() as ledger:
        datastore = datastore_of(ledger)
        with datastore.get_connection() as conn:
            rows = search_access_log(conn, claim, actor, _aware(since), _aware(until), None, limit)
    table = Table(title=t("access_log.title", count=len(rows), time_label=time_label()))
    columns = ("when", "who", "role", "claim_column", "fields", "shown", "purpose", "route")
    for column in columns:
        table.add_column(t(f"access_log.{column}"))
    for row in rows:
        table.add_row(
            local(row.accessed_at),
            row.actor,
            label("role", row.role),
            str(row.claim_id),
            ", ".join(row.fields),
            t(f"access_log.{row.disclosure}"),
            label("purpose", row.purpose) if row.purpose else "",
            row.route,
        )
    console.print(table)


def _aware(moment: datetime | None) -> datetime | None:
    """A time typed without a zone is the operator's local time."""
    return moment.astimezone() if moment is not None and moment.tzinfo is None else moment
