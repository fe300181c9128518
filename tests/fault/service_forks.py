"""A service process that can be killed and started again in well under a second.

Run as ``python -m tests.fault.service_forks``: it imports the service once, then for
each ``start PORT`` line on stdin forks a child that builds the app from the
environment (as ``sanbao serve`` does for a worker) and serves it under uvicorn,
and prints the child's pid. The children are the processes a test kills with
SIGKILL: each is a real service process with its own pool of connections, and only
the import of the code (seconds on a busy machine) is shared, not any state.
"""

from __future__ import annotations

import os
import signal
import sys

import uvicorn

from api.http.app import create_app
from api.settings import Settings


def serve(port: int) -> None:
    app = create_app(Settings())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed children are reaped at once
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command != "start":
            continue
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            # The child's output goes to the logs, never into the pids on stdout.
            os.dup2(2, 1)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            try:
                serve(int(argument))
            finally:
                os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
