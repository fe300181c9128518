"""A rich progress bar for long event runs: events, events/s and time left."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from api.cli.messages import t
from projections.engine.runner import Progress as ProgressCallback


@contextmanager
def event_progress(console: Console, title: str, total: int) -> Iterator[ProgressCallback]:
    """Yields a callback ``(done, head)`` that advances a bar showing events/s and ETA."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>8.0f} " + t("ledger.events_per_second")),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(title, total=max(total, 1), rate=0.0)

        def advance(done: int, head: int) -> None:
            elapsed = bar.tasks[task].elapsed or 0.0
            rate = done / elapsed if elapsed else 0.0
            bar.update(task, completed=done, total=max(head, done, 1), rate=rate)

        yield advance


class ProgressLine:
    """A count that grows during a long step, on ``stream``: one line redrawn on a
    terminal; elsewhere (a log, CI) whole lines, at most one every ``every_seconds``."""

    def __init__(self, stream: TextIO, every_seconds: float = 2.0) -> None:
        self.stream = stream
        self.every_seconds = every_seconds
        self.redraw = stream.isatty()
        self.last_line_at = -every_seconds
        self.pending = ""

    def show(self, text: str) -> None:
        if self.redraw:
            self.stream.write(f"\r{text}")
            self.stream.flush()
            return
        self.pending = text
        now = time.monotonic()
        if now - self.last_line_at >= self.every_seconds:
            self._write_line()
            self.last_line_at = now

    def done(self) -> None:
        """Ends the step: the redrawn line is closed, the last count written if it was not."""
        if self.redraw:
            self.stream.write("\n")
        elif self.pending:
            self._write_line()

    def _write_line(self) -> None:
        self.stream.write(f"{self.pending}\n")
        self.stream.flush()
        self.pending = ""
