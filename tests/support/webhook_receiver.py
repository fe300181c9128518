"""A local webhook receiver for tests: answers from a script (fail, time out, accept)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """What the receiver was sent: every request, and the bodies it accepted."""

    script: list[str] = field(default_factory=list)
    """Answers to give in turn: "fail" (500), "slow" (answer after ``slow_seconds``), "ok"."""
    otherwise: str = "ok"
    slow_seconds: float = 2.0
    requests: list[tuple[dict[str, str], bytes, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else self.otherwise

    def accepted(self) -> list[bytes]:
        return [body for _, body, answer in self.requests if answer == "ok"]


@contextmanager
def webhook_receiver(received: Received) -> Iterator[str]:
    """Runs the receiver on a free local port; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            answer = received.next_answer()
            with received.lock:
                received.requests.append((dict(self.headers.items()), body, answer))
            if answer == "slow":
                time.sleep(received.slow_seconds)
            self.send_response(500 if answer == "fail" else 204)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
