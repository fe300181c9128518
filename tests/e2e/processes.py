"""The service's processes as the operating system sees them (Linux ``/proc``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2

BACKGROUND_COMMAND = ["-m", "api.cli.main", "background"]


def sanbao(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``sanbao ARGS`` in a subprocess; its output (the JSON logs on stderr) goes to ``log``."""
    command = [sys.executable, "-m", "api.cli.main", *args]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def service_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """This environment, on ``database_url``, with keys kept in ``data_dir``."""
    env = {**os.environ, "DATABASE_URL": database_url, "SANBAO_DATA_DIR": str(data_dir)}
    env.pop("SANBAO_TEST_DATABASE_URL", None)
    return env


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def companions(parent: int) -> list[int]:
    """The running ``sanbao background`` processes whose parent is ``parent``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == parent and fields[0] != "Z" and _runs_background(cmdline):
            found.append(int(stat.parent.name))
    return found


def _runs_background(cmdline: list[bytes]) -> bool:
    words = [word.decode() for word in cmdline]
    return any(
        words[i : i + len(BACKGROUND_COMMAND)] == BACKGROUND_COMMAND for i in range(len(words))
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Returns once ``condition()`` holds; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def answers_ready(base: str) -> bool:
    try:
        return httpx2.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx2.HTTPError:
        return False
