"""Every command's help speaks Chinese when the command line is set to Chinese.

The help texts are looked up when the command line is loaded, so a fresh Python
process loads it with ``SANBAO_LANGUAGE=zh`` and runs ``--help`` of every command
and group (typer's CliRunner), reporting each help text it found: the command's
and each of its arguments' and options'. Options typer and click add themselves
(``--help``, shell completion) keep their English; everything else must hold
Chinese.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Options typer and click add to every command, worded by them.
THEIRS = {"help", "install_completion", "show_completion"}

WALK = """
import json
import typer
from typer.testing import CliRunner
from api.cli.main import app

runner = CliRunner()
found = []

def walk(command, path):
    shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    texts = {"": command.help or ""}
    for param in command.params:
        if not getattr(param, "hidden", False):
            texts[param.name] = getattr(param, "help", None) or ""
    found.append({"path": path, "exit": shown.exit_code, "output": shown.output, "texts": texts})
    if hasattr(command, "commands"):  # a group
        for name, sub in command.commands.items():
            walk(sub, [*path, name])

walk(typer.main.get_command(app), [])
print(json.dumps(found, ensure_ascii=False))
"""


def chinese_help() -> list[dict[str, Any]]:
    env = {**os.environ, "SANBAO_LANGUAGE": "zh"}
    done = subprocess.run(
        [sys.executable, "-c", WALK], env=env, capture_output=True, text=True, check=True
    )
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def test_every_command_and_option_has_its_help_in_chinese() -> None:
    commands = chinese_help()
    assert len(commands) > 40, [c["path"] for c in commands]  # every command and group
    untranslated = {}
    for command in commands:
        name = " ".join(["sanbao", *command["path"]])
        assert command["exit"] == 0, (name, command["output"])
        assert CHINESE.search(command["output"]), (name, command["output"])
        for param, text in command["texts"].items():
            if param not in THEIRS and not CHINESE.search(text):
                untranslated[f"{name} {param}".strip()] = text
    assert untranslated == {}
