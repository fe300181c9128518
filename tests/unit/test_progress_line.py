"""Progress of a long step: redrawn in place on a terminal, whole lines elsewhere."""

from __future__ import annotations

import io

from api.cli.progress import ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_each_report_is_a_whole_line() -> None:
    stream = io.StringIO()
    progress = ProgressLine(stream, every_seconds=0)
    for count in (500, 1_000, 1_500):
        progress.show(f"generated {count:,} events")
    progress.done()
    assert stream.getvalue().splitlines() == [
        "generated 500 events",
        "generated 1,000 events",
        "generated 1,500 events",
    ]
    assert "\r" not in stream.getvalue()


def test_without_a_terminal_lines_are_thinned_but_the_last_count_is_written() -> None:
    stream = io.StringIO()
    progress = ProgressLine(stream, every_seconds=3600)
    for count in range(1, 1_001):
        progress.show(f"generated {count:,} events")
    progress.done()
    assert stream.getvalue().splitlines() == ["generated 1 events", "generated 1,000 events"]


def test_on_a_terminal_the_line_is_redrawn_and_closed() -> None:
    stream = Terminal()
    progress = ProgressLine(stream)
    progress.show("generated 500 events")
    progress.show("generated 1,000 events")
    progress.done()
    assert stream.getvalue() == "\rgenerated 500 events\rgenerated 1,000 events\n"
