"""Every command answers a bad argument with a usage error (exit 2), never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from api.cli.main import app


def command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every runnable command of the CLI, as the words that call it."""
    if hasattr(command, "commands"):  # a group (typer carries its own click)
        for name, sub in command.commands.items():
            yield from command_paths(sub, (*path, name))
    else:
        yield path


COMMANDS = sorted(command_paths(typer.main.get_command(app)))
BAD_VALUES = [
    ["claim", "list", "--status", "bogus"],
    ["claim", "list", "--created-from", "2026/12/01"],
    ["claim", "list", "--limit", "0"],
    ["access-log", "--claim", "not-a-uuid"],
    ["access-log", "--limit", "many"],
    ["export", "--from", "2026/12/01"],
    ["import", "/no/such/file.ndjson"],
    ["verify", "--from", "x"],
    ["projections", "run", "--only"],
]


def test_the_walk_finds_the_commands() -> None:
    assert ("claim", "show") in COMMANDS and ("serve",) in COMMANDS and len(COMMANDS) > 20


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_a_usage_error(words: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*words, "--no-such-option"])
    assert result.exit_code == 2, result.output
    assert "No such option" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("words", BAD_VALUES, ids=" ".join)
def test_a_bad_value_is_a_usage_error_naming_the_option(words: list[str]) -> None:
    result = CliRunner().invoke(app, words)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
