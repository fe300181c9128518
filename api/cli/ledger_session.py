"""The ledger for one CLI command, with domain errors turned into a clean exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from api.cli.error_text import error_text
from api.cli.messages import t
from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.settings import get_settings
from domain.application import ClaimsLedger
from domain.errors import SanbaoError


@contextmanager
def ledger_session() -> Iterator[ClaimsLedger]:
    """Opens the ledger for one command and turns domain errors into a clean exit, the error
    printed in the command line's language."""
    ledger, _ = open_ledger(get_settings())
    try:
        yield ledger
    except SanbaoError as error:
        console.print(t("common.error", message=error_text(error)), highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()
