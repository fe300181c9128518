"""``sanbao keys``: the personal-data master key and the table of customers' keys.

Run with the service stopped: processes still holding the old master key could
no longer open customers' keys once they are re-wrapped. Every message is given
in the command line's language (``api.cli.messages``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.ledger_session import ledger_session
from api.cli.messages import t
from api.cli.terminal import console
from api.settings import get_settings
from domain.application import ClaimsLedger
from storage.customer_keys import PostgresCustomerKeys
from storage.key_files import PERSONAL_DATA_KEY_FILE, rotate_master_key

app = typer.Typer(help=t("keys.help"))


def customer_keys(ledger: ClaimsLedger) -> PostgresCustomerKeys:
    keys = ledger.customer_keys
    assert isinstance(keys, PostgresCustomerKeys), "the service keeps keys in PostgreSQL"
    return keys


@app.command("rotate-master", help=t("keys.rotate_help"))
def rotate_master() -> None:
    """Re-wrap every customer's key under a new master key (stop the service first)."""
    settings = get_settings()
    key_file = None if settings.personal_data_key else settings.data_dir / PERSONAL_DATA_KEY_FILE
    with ledger_session() as ledger:
        try:
            rotation = rotate_master_key(customer_keys(ledger), key_file)
        except ValueError as refusal:
            failure = t("keys.not_rotated", error=refusal)
            console.print(t("common.error", message=failure), highlight=False)
            raise typer.Exit(code=1) from None
    if rotation.resumed:
        console.print(t("keys.resumed"))
    else:
        console.print(t("keys.rewrapped", count=rotation.rewrapped))
    if not rotation.purged:
        console.print(t("keys.not_purged"))
    if rotation.new_key_text is None:
        console.print(t("keys.file_replaced", directory=settings.data_dir))
    else:
        console.print(t("keys.set_new_key"))
        print(rotation.new_key_text)


@app.command("purge", help=t("keys.purge_help"))
def purge(
    wait: Annotated[float, typer.Option(min=0, help=t("keys.wait"))] = 120.0,
) -> None:
    """Rewrite the table of customers' keys so no old row version (an erased key) remains."""
    with ledger_session() as ledger:
        purged = customer_keys(ledger).purge_old_versions(wait)
    if not purged:
        console.print(t("keys.not_purged"))
        raise typer.Exit(code=1)
    console.print(t("keys.purged"))
