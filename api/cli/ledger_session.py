"""The ledger for one CLI command, with domain errors turned into a clean exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.settings import get_settings
from domain.application import ClaimsLedger
from domain.errors import SanbaoError


@contextmanager
def ledger_session() -> Iterator[ClaimsLedger]:
    """Opens the ledger for one command and turns domain errors into a clean exit."""
    ledger, _ = open_ledger(get_settings())
    try:
        yield ledger
    except SanbaoError as error:
        console.print(f"[red]error:[/red] {error}")
        if detail_zh := getattr(error, "detail_zh", ""):
            console.print(f"[red]错误：[/red]{detail_zh}")
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()
