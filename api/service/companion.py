"""The companion process ``sanbao serve`` runs beside its API workers: ``sanbao background``.

Exactly one, however many workers there are. A watchdog thread restarts it
shortly after it dies unexpectedly; ``stop`` terminates it and waits for it.
It runs in a session of its own, so a Ctrl-C in the terminal reaches ``serve``,
which stops it in order; it stops by itself if ``serve`` dies without doing so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from api.service.logs import logger

RESTART_SECONDS = 1.0
STOP_SECONDS = 15.0


def companion_command() -> list[str]:
    """The companion's command line: this interpreter, told to stop with this process."""
    return [sys.executable, "-m", "api.cli.main", "background", "--parent-pid", str(os.getpid())]


class Companion:
    """Starts, watches and stops one companion process (in this process's environment)."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or companion_command()
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()  # no restart between a stop's decision and its terminate
        self.watchdog = threading.Thread(target=self._watch, name="companion-watchdog", daemon=True)

    def start(self) -> Companion:
        with self.lock:
            self.process = self._spawn()
        self.watchdog.start()
        return self

    def stop(self) -> None:
        """Terminates the companion and waits for it (kills it after ``STOP_SECONDS``)."""
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning("background process did not stop; killing it", pid=process.pid)
            process.kill()
            process.wait()
        logger.info("background process stopped", pid=process.pid, exit_code=process.returncode)
        if self.watchdog.is_alive():
            self.watchdog.join(timeout=RESTART_SECONDS + 1)

    def _spawn(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(self.command, start_new_session=True)
        logger.info("background process started", pid=process.pid)
        return process

    def _watch(self) -> None:
        while True:
            process = self.process
            assert process is not None
            exit_code = process.wait()
            if self.stopping.is_set():
                return
            logger.error(
                "background process exited; restarting it",
                pid=process.pid,
                exit_code=exit_code,
                restart_in_seconds=RESTART_SECONDS,
            )
            if self.stopping.wait(RESTART_SECONDS):
                return
            with self.lock:
                if self.stopping.is_set():
                    return
                self.process = self._spawn()
