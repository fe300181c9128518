"""``sanbao import FILE``: bulk import of historical claims (one JSON line per claim).

The file is read in chunks of lines; worker processes check and encode each
chunk with the ledger's mapper while this process COPYs the previous one into
the events table (``storage.event_import``). Each chunk is one
transaction: if a line is refused, the chunks before it stay imported, and
running the import again skips the claims already in the ledger. Once the
lines are in, the ledger signs a checkpoint over them at once, so an import
never leaves a long unsigned tail behind.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.import_template import TEMPLATE_SUFFIXES, import_template
from api.cli.ledger import trusted_public_key
from api.cli.ledger_dump import restore
from api.cli.messages import t
from api.cli.terminal import console
from api.service.bootstrap import open_ledger
from api.service.ledger_integrity import LedgerIntegrity
from api.settings import get_settings
from domain.application import ClaimsLedger
from domain.integrity.checkpoints import CheckpointBody
from domain.integrity.faults import LedgerIntegrityError
from domain.integrity.ledger_dump import is_dump_header
from storage.event_import import EncodedChunk, EventWriter, encode_chunk, start_encoder

CHUNK_LINES = 200


@dataclass
class ImportSummary:
    claims: int = 0
    events: int = 0
    skipped: int = 0
    error: str | None = None


def _chunks(path: Path, size: int) -> Iterator[tuple[int, list[bytes]]]:
    with path.open("rb") as lines:
        first = 1
        while chunk := [line for line in islice(lines, size) if line.strip()]:
            yield first, chunk
            first += size


def _encode(args: tuple[int, list[bytes]]) -> EncodedChunk:
    return encode_chunk(*args)


def import_history(
    ledger: ClaimsLedger,
    path: Path,
    jobs: int = 0,
    chunk_lines: int = CHUNK_LINES,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Imports every claim of ``path``; stops at the first refused line (see ``error``)."""
    summary = ImportSummary()
    writer = EventWriter(ledger)
    env = {k: v for k, v in ledger.env.items() if isinstance(v, str)}
    jobs = jobs or max((os.cpu_count() or 1), 1)
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=start_encoder, initargs=(env,)) as pool:
        for chunk in pool.imap(_encode, _chunks(path, chunk_lines)):
            written, skipped = writer.write(chunk)
            summary.events += written
            summary.skipped += skipped
            summary.claims += len(chunk.claims) - skipped
            if progress:
                progress(summary)
            if chunk.error:
                summary.error = chunk.error
                pool.terminate()
                break
    return summary


def _sign(ledger: ClaimsLedger) -> tuple[list[CheckpointBody], str | None]:
    """Signs the imported events at once: the checkpoints, or why the ledger refused."""
    try:
        return LedgerIntegrity(ledger, get_settings()).checkpoint(), None
    except LedgerIntegrityError as error:
        return [], str(error)


def import_claims(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help=t("import.file"),
        ),
    ],
    jobs: Annotated[int, typer.Option(min=0, help=t("import.jobs"))] = 0,
    public_key: Annotated[
        str | None, typer.Option("--public-key", help=t("import.public_key"))
    ] = None,
) -> None:
    """Import historical claims with their events (COPY; the views catch up as usual), new
    claims from the claim template (every row checked before anything is written), or a
    ledger dump (its rows trusted once their hashes match its signed checkpoint)."""
    if file.suffix.lower() in TEMPLATE_SUFFIXES:
        import_template(file)
        return
    with file.open("rb") as head:
        if is_dump_header(head.readline()):
            restore(file, trusted_public_key(public_key) if public_key else None)
            return
    ledger, database = open_ledger(get_settings())
    with file.open("rb") as lines:
        total = sum(1 for line in lines if line.strip())
    columns: list[Any] = [
        TextColumn(f"[bold]{t('import.bar')}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            t(
                "import.bar_counts",
                events="{task.fields[events]:,}",
                rate="{task.fields[rate]:,.0f}",
            )
        ),
        TimeElapsedColumn(),
    ]
    try:
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("import", total=max(total, 1), events=0, rate=0.0)

            def advance(summary: ImportSummary) -> None:
                elapsed = bar.tasks[task].elapsed or 0.0
                rate = summary.events / elapsed if elapsed else 0.0
                done = summary.claims + summary.skipped
                bar.update(task, completed=done, events=summary.events, rate=rate)

            summary = import_history(ledger, file, jobs, progress=advance)
        signed, unsigned = _sign(ledger)
    finally:
        ledger.close()
    counts = {"claims": summary.claims, "events": summary.events, "skipped": summary.skipped}
    console.print(t("import.imported", **counts, database=database.describe()))
    if signed:
        console.print(t("import.signed", seq=signed[-1].seq, position=signed[-1].position))
    if summary.error:
        console.print(t("import.refused", error=summary.error), highlight=False)
    if unsigned:
        console.print(t("import.checkpoint_refused", error=unsigned), highlight=False)
    if summary.error or unsigned:
        raise typer.Exit(code=1)
