"""The ``sanbao`` command line: load the demo, show a claim, say which database is used."""

from __future__ import annotations

import time
from datetime import datetime
from importlib.metadata import version
from typing import Annotated

import typer

from api.cli import (
    background,
    claim_list,
    customers,
    import_claims,
    keys,
    ledger,
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
from api.cli.ledger_session import ledger_session
from api.cli.operator import OPERATOR_ENV, name_operator
from api.cli.recall import recall_command
from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.service.database import resolve_database
from api.settings import get_settings
from domain.calendar import HolidaySource, holiday_sources
from domain.reveal_purposes import CODES as PURPOSES
from storage.migrations import migrate as apply_migrations

app = typer.Typer(help="Sanbao Ledger: the event-sourced ledger of after-sales claims (三包).")
CALENDAR_SOURCES = {
    HolidaySource.ANNOUNCED: "announced holidays and adjusted working days (chinesecalendar)",
    HolidaySource.STATUTORY: "statutory holidays only (holidays)",
    HolidaySource.WEEKDAYS: "weekdays only: no holiday data for this year",
}


def print_version(show: bool) -> None:
    if show:
        print(f"sanbao {version('sanbao-ledger')}")
        raise typer.Exit()


@app.callback()
def sanbao(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=print_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
    operator: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USER",
            help=f"the user erasures and reveals are recorded under (or {OPERATOR_ENV})",
        ),
    ] = None,
) -> None:
    """Sanbao Ledger: the event-sourced ledger of after-sales claims (三包)."""
    name_operator(operator)


claim_app = typer.Typer(help="Read claims.")
app.add_typer(claim_app, name="claim")
claim_app.command("list")(claim_list.list_claims_command)
app.add_typer(views.app, name="projections")
app.add_typer(user_tokens.app, name="users")
app.add_typer(customers.app, name="customers")
app.add_typer(keys.app, name="keys")
app.add_typer(publish.app, name="publish")
app.add_typer(webhooks.app, name="webhooks")
app.command("access-log")(customers.access_log)
app.command("serve")(serve.serve)
app.command("background")(background.run_background)
app.command("import")(import_claims.import_claims)
app.command("recall")(recall_command)
ledger.register(app)


@app.command()
def migrate() -> None:
    """Apply pending read-model migrations (also done automatically at start-up)."""
    database = resolve_database(get_settings())
    applied = apply_migrations(database.url)
    console.print(f"applied: {', '.join(applied) or 'nothing, already up to date'}")
    console.print(f"read-model schema up to date on {database.describe()}")


@app.command()
def db() -> None:
    """Say where the ledger's data is, which PostgreSQL it uses and how far its log reaches."""
    settings = get_settings()
    ledger, database = open_ledger(settings)
    try:
        head = ledger.recorder.max_notification_id() or 0
        this_year = datetime.now().year
        sources = holiday_sources([this_year, this_year + 1])
        facts = {
            "database": database.describe(),
            "data directory": f"{settings.data_dir.resolve()} (SANBAO_DATA_DIR)",
            "ledger head": f"position {head:,}",
        } | {f"calendar {year}": CALENDAR_SOURCES[source] for year, source in sources.items()}
        for label, fact in facts.items():
            console.print(f"{label:<16}{fact}", highlight=False)
        if any(source is not HolidaySource.ANNOUNCED for source in sources.values()):
            console.print(
                "years without announced data: statutory holidays only (or weekdays); "
                "adjusted working days (调休) come from SANBAO_EXTRA_WORKDAYS"
            )
        customers.describe_keys(ledger)
    finally:
        ledger.close()


@app.command()
def demo() -> None:
    """Load realistic claims from the reference manuals (skips those already loaded)."""
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
            console.print("demo claims already loaded")
            return
        console.print(f"loaded {len(loaded)} claims: {', '.join(loaded)}")
        rate = commands / elapsed if elapsed else 0.0
        console.print(f"{commands} commands in {elapsed:.2f} s ({rate:.0f} commands/s)")
        print_refusals(refusals)
        console.print("try: sanbao claim show LF-2026-0001")


@claim_app.command("show")
def show_claim(
    number: str = typer.Argument(help="claim number, e.g. LF-2026-0001"),
    reveal: bool = typer.Option(False, "--reveal", help="show personal data unmasked (logged)"),
    purpose: str | None = typer.Option(
        None, help=f"why it is revealed, needed with --reveal: {', '.join(PURPOSES)}"
    ),
) -> None:
    """Print a claim's current state and its history."""
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
