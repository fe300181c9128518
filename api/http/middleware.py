"""ASGI middleware: request ids, the request log line and metrics; idempotency keys."""

from __future__ import annotations

import time
from typing import Any

import anyio
import structlog
from anyio import to_thread
from fastapi.routing import iter_route_contexts
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.handlers import known_error
from api.http.http_errors import ApiError
from api.service.logs import logger, request_id_from
from api.service.metrics import Metrics
from api.service.runtime import DATABASE_ERRORS, Runtime
from storage.idempotency import (
    MAX_KEY_LENGTH,
    POLL_SECONDS,
    STORED_HEADERS,
    IdempotencyError,
    IdempotencyInProgressError,
    IdempotencyKeyTooLongError,
    IdempotencyStore,
    KeyedRequest,
    StoredResponse,
    request_digest,
    running_keyed,
)
from storage.recorder import datastore_of

REPLAYED_HEADER = (b"idempotent-replayed", b"true")


class RequestContextMiddleware:
    """Tags the request with an id (logs, ``X-Request-ID``), logs it once, counts it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.templates: dict[int, str] = {}

    def template(self, scope: Scope) -> str:
        """The matched route's full path template (``/api/v1/claims/{claim_id}``)."""
        route = scope.get("route")
        if route is None:
            # Answered before routing (an idempotent replay, a reused key): its route still.
            return matching_template(scope)
        if not self.templates:
            # FastAPI hands the router's own route (path without the include prefix).
            contexts = iter_route_contexts(scope["app"].routes)
            self.templates = {id(c.original_route): str(c.path) for c in contexts}
        return self.templates.get(id(route), getattr(route, "path", "unmatched"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get("x-request-id"))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id  # for the 500 handler, which runs outside this one
        status = 500
        replayed = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, replayed
            if message["type"] == "http.response.start":
                status = message["status"]
                replayed = REPLAYED_HEADER in message.get("headers", [])
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                state.setdefault("problem", "internal")
                raise
            finally:
                elapsed = time.perf_counter() - started
                template = self.template(scope)
                method = scope["method"]
                problem = state.get("problem")
                self.metrics.observe(method, template, status, elapsed, problem, replayed)
                logger.info(
                    "request",
                    method=method,
                    route=template,
                    status=status,
                    ms=round(elapsed * 1000, 1),
                    user=state.get("user"),
                    problem=state.get("problem"),
                )


def matching_template(scope: Scope) -> str:
    """The template of the route that would answer ``scope``, or ``unmatched``."""
    for context in iter_route_contexts(scope["app"].routes):
        route = context.original_route
        if isinstance(route, Route) and route.matches(scope)[0] is Match.FULL:
            return str(context.path)
    return "unmatched"


class IdempotencyMiddleware:
    """Runs a POST with an ``Idempotency-Key`` once per (user, key); replays it to retries.

    The request runs as a ``KeyedRequest``: the events it saves are recorded on its
    key's row in their own transaction, so a retry after any crash either runs (nothing
    was recorded) or replays (the command routes rebuild the answer from the events).
    """

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if not key:
            await self.app(scope, receive, send)
            return
        user = await self._user(headers.get("authorization", ""))
        if user is None:
            await self.app(scope, receive, send)  # the route answers 401
            return
        body = await _read_body(receive)
        digest = request_digest(
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode(),
            body,
            headers.get("if-match", ""),
        )
        try:
            if len(key) > MAX_KEY_LENGTH:
                raise IdempotencyKeyTooLongError(len(key))
            store = self._store()
            outcome = await self._begin(store, user, key, digest)
        except (ApiError, IdempotencyError, *DATABASE_ERRORS) as error:
            request = Request(scope)
            await (await known_error(request, error))(scope, receive, send)
            return
        if isinstance(outcome, StoredResponse):
            await _replay(outcome, send)
            return
        await self._run(scope, body, receive, send, store, outcome)

    @staticmethod
    async def _begin(
        store: IdempotencyStore, user: str, key: str, digest: str
    ) -> KeyedRequest | StoredResponse:
        """The store's ``begin``, waiting on the event loop: a waiting retry holds no
        worker thread (fifty waiting retries would otherwise take every thread the
        first request needs to finish)."""
        deadline = time.monotonic() + store.wait_seconds
        while (outcome := await to_thread.run_sync(store.attempt, user, key, digest)) is None:
            if time.monotonic() > deadline:
                raise IdempotencyInProgressError()
            await anyio.sleep(POLL_SECONDS)
        return outcome

    async def _run(
        self,
        scope: Scope,
        body: bytes,
        receive: Receive,
        send: Send,
        store: IdempotencyStore,
        keyed: KeyedRequest,
    ) -> None:
        captured: dict[str, Any] = {"chunks": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = {
                    k.decode().lower(): v.decode()
                    for k, v in message.get("headers", [])
                    if k.decode().lower() in STORED_HEADERS
                }
                if keyed.recorded is not None:  # rebuilt from the first attempt's events
                    message["headers"] = [*message.get("headers", []), REPLAYED_HEADER]
            elif message["type"] == "http.response.body":
                captured["chunks"].append(message.get("body", b""))
            await send(message)

        ticket = keyed.ticket
        try:
            with running_keyed(keyed):
                await self.app(scope, _replay_body(body, receive), capture)
        except BaseException:
            await to_thread.run_sync(store.abandon, ticket)
            raise
        status = captured.get("status", 500)
        if status >= 500:
            await to_thread.run_sync(store.abandon, ticket)
            return
        response = StoredResponse(status, captured["headers"], b"".join(captured["chunks"]))
        await to_thread.run_sync(store.finish, ticket, response)

    async def _user(self, authorization: str) -> str | None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            user = await to_thread.run_sync(self.runtime.users.verify, token.strip())
        except (ApiError, *DATABASE_ERRORS):
            return None  # the route reports the outage
        return user.name if user else None

    def _store(self) -> IdempotencyStore:
        settings = self.runtime.settings
        return IdempotencyStore(
            datastore_of(self.runtime.ledger),
            settings.idempotency_wait_seconds,
            settings.idempotency_lease_seconds,
            settings.idempotency_retention.total_seconds(),
        )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_body(body: bytes, receive: Receive) -> Receive:
    """Hands the app the body already read, then the client's further messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _replay(stored: StoredResponse, send: Send) -> None:
    headers = [(k.encode(), v.encode()) for k, v in stored.headers.items()]
    headers.append(REPLAYED_HEADER)
    headers.append((b"content-length", str(len(stored.body)).encode()))
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})
