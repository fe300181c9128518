"""The ``sanbao`` command line: load the demo, show a claim, say which database is used."""

from __future__ import annotations

import time
from datetime import datetime
from importlib.metadata import version
from typing import Annotated

import typer
from rich.cells import cell_len

from api.cli import (
    background,
    claim_list,
    customers,
    import_claims,
    keys,
    ledger,
    ledger_dump,
    publish,
    serve,
    user_tokens,
    views,
    webhooks,
)
from api.cli.claim_tables import claim_tables
from api.cli.demo import DemoRefusal, load_demo
from api.cli.demo_refusals import print_refusals
from api.cli.demo_showcase import load_showcase
from api.cli.demo_stock import load_stock_showcase
from api.cli.help_words import word_typer_help
from api.cli.ledger_session import ledger_session
from api.cli.messages import t
from api.cli.operator import OPERATOR_ENV, name_operator
from api.cli.recall import recall_command
from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.service.database import resolve_database
from api.settings import get_settings
from domain.calendar import HolidaySource, holiday_sources
from domain.reveal_purposes import CODES as PURPOSES
from storage.migrations import migrate as apply_migrations

word_typer_help()
app = typer.Typer(help=t("app.help"))
# The message key of each source of a year's holidays, as `sanbao db` names it.
CALENDAR_SOURCES = {
    HolidaySource.ANNOUNCED: "db.announced",
    HolidaySource.STATUTORY: "db.statutory",
    HolidaySource.WEEKDAYS: "db.weekdays",
}


def print_version(show: bool) -> None:
    if show:
        print(f"sanbao {version('sanbao-ledger')}")
        raise typer.Exit()


@app.callback()
def sanbao(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=print_version, is_eager=True, help=t("app.version")),
    ] = False,
    operator: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USER",
            help=t("app.operator", env=OPERATOR_ENV),
        ),
    ] = None,
) -> None:
    name_operator(operator)


claim_app = typer.Typer(help=t("app.claim"))
app.add_typer(claim_app, name="claim")
claim_app.command("list", help=t("claim_list.help"))(claim_list.list_claims_command)
app.add_typer(views.app, name="projections")
app.add_typer(user_tokens.app, name="users")
app.add_typer(customers.app, name="customers")
app.add_typer(keys.app, name="keys")
app.add_typer(publish.app, name="publish")
app.add_typer(webhooks.app, name="webhooks")
app.command("access-log", help=t("access_log.help"))(customers.access_log)
app.command("serve", help=t("serve.help"))(serve.serve)
app.command("background", help=t("background.help"))(background.run_background)
app.command("import", help=t("import.help"))(import_claims.import_claims)
app.command("recall", help=t("recall.help"))(recall_command)
ledger.register(app)
ledger.app.command("dump", help=t("dump.help"))(ledger_dump.dump)


@app.command(help=t("migrate.help"))
def migrate() -> None:
    database = resolve_database(get_settings())
    applied = apply_migrations(database.url)
    console.print(t("migrate.applied", names=", ".join(applied) or t("migrate.nothing")))
    console.print(t("migrate.up_to_date", database=database.describe()))


@app.command(help=t("db.help"))
def db() -> None:
    settings = get_settings()
    ledger, database = open_ledger(settings)
    try:
        head = ledger.recorder.max_notification_id() or 0
        this_year = datetime.now().year
        sources = holiday_sources([this_year, this_year + 1])
        facts = {
            t("db.database"): database.describe(),
            t("db.data_dir"): f"{settings.data_dir.resolve()} (SANBAO_DATA_DIR)",
            t("db.head"): t("db.head_value", head=head),
        } | {
            t("db.calendar", year=year): t(CALENDAR_SOURCES[source])
            for year, source in sources.items()
        }
        width = max(cell_len(label) for label in facts) + 2
        for label, fact in facts.items():
            console.print(f"{label}{' ' * (width - cell_len(label))}{fact}", highlight=False)
        if any(source is not HolidaySource.ANNOUNCED for source in sources.values()):
            console.print(t("db.without_announced"))
        customers.describe_keys(ledger)
    finally:
        ledger.close()


@app.command(help=t("demo.help"))
def demo() -> None:
    with ledger_session() as ledger:
        started = time.perf_counter()
        refusals: list[DemoRefusal] = []
        loaded, commands = load_demo(ledger, datetime.now().astimezone(), refusals)
        elapsed = time.perf_counter() - started
        for line in load_showcase(ledger, datetime.now().astimezone()):
            console.print(line)
        for line in load_stock_showcase(ledger, datetime.now().astimezone()):
            console.print(line)
        if not loaded:
            console.print(t("demo.already"))
            return
        console.print(t("demo.loaded", count=len(loaded), numbers=", ".join(loaded)))
        rate = commands / elapsed if elapsed else 0.0
        console.print(t("demo.rate", commands=commands, seconds=elapsed, rate=rate))
        print_refusals(refusals)
        console.print(t("demo.try"))


@claim_app.command("show", help=t("claim_show.help"))
def show_claim(
    number: str = typer.Argument(help=t("claim_show.number")),
    reveal: bool = typer.Option(False, "--reveal", help=t("claim_show.reveal")),
    purpose: str | None = typer.Option(
        None, help=t("claim_show.purpose", purposes=", ".join(PURPOSES))
    ),
) -> None:
    with ledger_session() as ledger:
        claim = ledger.get_claim_by_number(number)
        customer = customers.customer_line(ledger, claim, reveal, purpose)
        history, clocks = ledger.history(claim.id), ledger.sla_clocks(claim.id)
        tables = claim_tables(claim, history, clocks, customer=customer)
        for table in tables:
            console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
