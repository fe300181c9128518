"""``sanbao ledger dump FILE`` and the trusted path of ``sanbao import``: a ledger moved whole.

A dump holds every stored event up to a freshly signed checkpoint, byte for
byte (``domain.integrity.ledger_dump``). Importing it trusts the rows without
decoding them, once their log hash matches the checkpoint and the checkpoint
carries the signature of the key given with ``--public-key`` (by default this
ledger's own key, as when a ledger moves to a new database with its key files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.cli.ledger import errors, integrity_session
from api.cli.messages import t
from api.cli.progress import event_progress
from api.cli.terminal import console
from domain.integrity.ledger_dump import DumpRefusedError
from storage.dump_restore import read_trailer, restore_dump
from storage.ledger_dump import write_dump


def _refusal(error: DumpRefusedError) -> str:
    return t(f"dump.{error.reason}", **error.details)


def dump(
    file: Annotated[Path, typer.Argument(dir_okay=False, help=t("dump.file"))],
) -> None:
    """Sign up to the head, then write every event up to that checkpoint to FILE."""
    partial = file.with_name(file.name + ".partial")
    with integrity_session() as integrity, integrity.connection() as conn:
        signed = integrity.signed_head()
        try:
            with partial.open("wb") as out:
                events = write_dump(conn, integrity.tables, signed, integrity.key.public_key(), out)
        except DumpRefusedError as error:
            partial.unlink(missing_ok=True)
            errors.print(t("common.error", message=_refusal(error)), highlight=False)
            raise typer.Exit(code=1) from None
    partial.replace(file)
    console.print(t("dump.written", events=events, position=signed.body.position, file=file))


def restore(file: Path, trusted_key: Ed25519PublicKey | None) -> None:
    """Imports a dump (``sanbao import DUMP``): all of it in one transaction, or nothing."""
    with integrity_session() as integrity:
        key = trusted_key or integrity.key.public_key()
        try:
            total = read_trailer(file).events
            with event_progress(console, t("dump.restoring"), total) as progress:
                events = restore_dump(integrity.ledger, file, key, lambda n: progress(n, total))
        except DumpRefusedError as error:
            console.print(t("dump.refused", error=_refusal(error)), highlight=False)
            raise typer.Exit(code=1) from None
        signed = integrity.checkpoint()
    console.print(t("dump.restored", events=events))
    if signed:
        console.print(t("import.signed", seq=signed[-1].seq, position=signed[-1].position))
