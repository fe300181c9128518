"""A rich progress bar for long event runs: events, events/s and time left."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from projections.engine.runner import Progress as ProgressCallback


@contextmanager
def event_progress(console: Console, title: str, total: int) -> Iterator[ProgressCallback]:
    """Yields a callback ``(done, head)`` that advances a bar showing events/s and ETA."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>8.0f} events/s"),
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
