"""ASGI middleware: a request body over the limit is refused (413) before anything reads it.

It runs outside authentication, the Idempotency-Key store and body parsing, so a
large body costs neither a token check nor a parse. A ``Content-Length`` over the
limit is refused at once; a body without one (chunked) is read here, counting its
bytes, and refused as soon as the count passes the limit; a body within the limit
is then handed to the app as it came.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.handlers import ProblemResponse
from api.http.problems import PROBLEMS, problem_body
from domain.errors import RequestTooLargeError

BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
LENGTH = re.compile(r"[0-9]{1,19}")


class BodyLimitMiddleware:
    """Answers 413 ``body-too-large`` to a request whose body exceeds ``limit`` bytes."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        uploads: re.Pattern[str] | None = None,
        upload_limit: int = 0,
    ) -> None:
        self.app = app
        self.default_limit = limit
        self.limit = limit
        # Paths that take files (evidence uploads) may carry up to ``upload_limit`` bytes.
        self.uploads = uploads
        self.upload_limit = max(upload_limit, limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.default_limit
        if self.uploads is not None and self.uploads.fullmatch(scope["path"]):
            limit = self.upload_limit
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            # The server holds a body to its Content-Length; a malformed one it refuses.
            if LENGTH.fullmatch(length) and int(length) > limit:
                await self.refuse(scope, receive, send, limit)
                return
            await self.app(scope, receive, send)
            return
        if scope["method"] in BODILESS_METHODS:
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break  # the client went away; the app sees it as it would have
            size += len(message.get("body", b""))
            if size > limit:
                await self.refuse(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        error = RequestTooLargeError(limit)
        kind = PROBLEMS[RequestTooLargeError]
        scope.setdefault("state", {})["problem"] = kind.slug  # for the metrics and the log
        body = problem_body(error, kind, scope["path"])
        response = ProblemResponse(body, status_code=kind.status, headers={"Connection": "close"})
        await response(scope, receive, send)
